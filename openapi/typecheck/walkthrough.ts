// A client's walk through the SkillGrid API, written as a TypeScript client
// would write it against types generated from openapi/openapi.yaml by
// openapi-typescript, with openapi-fetch. `make lint` type-checks it under
// `tsc --strict` (no casts, no `any`), so the document stays usable by typed
// clients: a response whose schema is wrong or ambiguous fails the check.
// It is only type-checked, never run; the README's curl walk-through is the
// one to run against `make run`.

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "skillgrid-api";

type Problem = components["schemas"]["Problem"];
type API = Client<paths>;

/** problem turns an error answer into an exception a caller can read. */
function problem(what: string, p: Problem | undefined): Error {
  if (!p) {
    return new Error(`${what}: no answer`);
  }
  const fields = (p.errors ?? []).map((e) => `${e.field} ${e.message}`).join("; ");
  return new Error(`${what}: ${p.status} ${p.code}: ${p.detail}${fields ? ` (${fields})` : ""}`);
}

/** signIn logs in and returns a client that sends the access token. */
async function signIn(baseUrl: string, email: string, password: string): Promise<API> {
  const anon = createClient<paths>({ baseUrl });
  const { data, error } = await anon.POST("/v1/auth/login", { body: { email, password } });
  if (!data) {
    throw problem("login", error);
  }
  const bearer: `Bearer ${string}` = `${data.token_type} ${data.access_token}`;
  return createClient<paths>({ baseUrl, headers: { Authorization: bearer } });
}

/** trainee registers, finds an open level-1 BMS cohort and enrols in it. */
async function trainee(baseUrl: string): Promise<void> {
  const anon = createClient<paths>({ baseUrl });
  const email = "seoa.yoon@example.kr";
  const password = "battery-2026!";
  const registered = await anon.POST("/v1/auth/register", {
    body: { email, password, name: "윤서아", role: "trainee" },
  });
  if (!registered.data) {
    throw problem("register", registered.error);
  }
  console.log(`registered ${registered.data.name} (${registered.data.role})`);

  const me = await signIn(baseUrl, email, password);
  const profile = await me.PATCH("/v1/me", {
    body: { skills: ["bms", "cell-balancing"], career_stage: "job_seeker", region: "충청북도 청주시", pool_opt_in: true },
  });
  if (!profile.data) {
    throw problem("update profile", profile.error);
  }

  const courses = await anon.GET("/v1/courses", { params: { query: { track: "bms", level: 1 } } });
  if (!courses.data) {
    throw problem("courses", courses.error);
  }
  const course = courses.data.items[0];
  if (!course) {
    throw new Error("no level-1 BMS course");
  }
  console.log(`${course.code} ${course.title}: ${course.hours} h, pass ${course.pass_score}`);

  const cohorts = await anon.GET("/v1/cohorts", { params: { query: { course_id: course.id, open: true } } });
  if (!cohorts.data) {
    throw problem("cohorts", cohorts.error);
  }
  const cohort = cohorts.data.items[0];
  if (!cohort) {
    throw new Error(`no open cohort of ${course.code}`);
  }
  console.log(`${cohort.label}: ${cohort.seats_left} of ${cohort.capacity} seats left, ${cohort.starts_on} to ${cohort.ends_on}`);

  const enrolled = await me.POST("/v1/cohorts/{id}/enrolments", { params: { path: { id: cohort.id } } });
  if (!enrolled.data) {
    throw problem("enrol", enrolled.error);
  }
  const e = enrolled.data;
  console.log(e.status === "waitlisted" ? `waitlisted at ${e.waitlist_position ?? "?"}` : `${e.status} in ${e.course_code}`);

  const mine = await me.GET("/v1/me/enrolments", { params: { query: { limit: 50 } } });
  if (!mine.data) {
    throw problem("my enrolments", mine.error);
  }
  for (const en of mine.data.items) {
    console.log(`${en.course_code} ${en.cohort_label}: ${en.status}`);
  }

  const transcript = await me.GET("/v1/me/transcript");
  if (!transcript.data) {
    throw problem("transcript", transcript.error);
  }
  for (const entry of transcript.data.entries) {
    console.log(`${entry.course_code}: ${entry.status}${entry.certificate_code ? `, certificate ${entry.certificate_code}` : ""}`);
  }
}

/** company searches the graduate pool and asks the first graduate for contact. */
async function company(baseUrl: string): Promise<void> {
  const hr = await signIn(baseUrl, "hr@cellmaker.demo.skillgrid.kr", "skillgrid-demo-2026");
  const pool = await hr.GET("/v1/graduates", { params: { query: { track: "bms", min_level: 1, skill: ["bms", "cell-balancing"] } } });
  if (!pool.data) {
    throw problem("graduates", pool.error);
  }
  for (const g of pool.data.items) {
    const levels = Object.entries(g.levels).map(([track, level]) => `${track} ${level}`).join(", ");
    const courses = g.completed_courses.map((c) => `${c.code} (${c.certificate_code})`).join(", ");
    console.log(`${g.name}: ${levels}; ${courses}; ${g.region ?? "region not given"}`);
  }
  const first = pool.data.items[0];
  if (!first) {
    return;
  }
  const sent = await hr.POST("/v1/graduates/{id}/contact-requests", {
    params: { path: { id: first.id } },
    body: { message: "BMS 엔지니어 면담을 제안드립니다." },
  });
  if (!sent.data) {
    throw problem("contact request", sent.error);
  }
  console.log(`contact request ${sent.data.id}: ${sent.data.status}`);

  const requests = await hr.GET("/v1/contact-requests");
  if (!requests.data) {
    throw problem("contact requests", requests.error);
  }
  for (const r of requests.data.items) {
    console.log(`${r.trainee_name}: ${r.status}${r.trainee_email ? `, ${r.trainee_email}` : ""}`);
  }
}

/** operator reads the programme report and the latest audit events. */
async function operator(baseUrl: string): Promise<void> {
  const admin = await signIn(baseUrl, "admin@demo.skillgrid.kr", "skillgrid-demo-2026");
  const report = await admin.GET("/v1/reports/programme", { params: { query: { from: "2026-01-01" } } });
  if (!report.data) {
    throw problem("programme report", report.error);
  }
  for (const row of report.data.rows) {
    // completion_rate is null until a result is in.
    const rate = row.completion_rate === null ? "no results yet" : `${(row.completion_rate * 100).toFixed(0)}%`;
    console.log(`${row.track} L${row.level}: ${row.completed} completed, ${row.in_progress} in progress (${rate}), ${row.hires} hired`);
  }
  const events = await admin.GET("/v1/audit-events", { params: { query: { limit: 5 } } });
  if (!events.data) {
    throw problem("audit events", events.error);
  }
  for (const ev of events.data.items) {
    console.log(`${ev.at} ${ev.action} ${ev.entity} ${ev.entity_id}`);
  }
}

/** instructor records the results of their cohort under way. */
async function instructor(baseUrl: string): Promise<void> {
  const park = await signIn(baseUrl, "instructor.park@demo.skillgrid.kr", "skillgrid-demo-2026");
  const cohorts = await park.GET("/v1/me/cohorts");
  if (!cohorts.data) {
    throw problem("my cohorts", cohorts.error);
  }
  const run = cohorts.data.items.find((c) => c.status === "in_progress");
  if (!run) {
    throw new Error("no cohort under way");
  }
  const roster = await park.GET("/v1/cohorts/{id}/enrolments", {
    params: { path: { id: run.id }, query: { status: "enrolled" } },
  });
  if (!roster.data) {
    throw problem("roster", roster.error);
  }
  const recorded = await park.POST("/v1/cohorts/{id}/results", {
    params: { path: { id: run.id } },
    body: { results: roster.data.items.map((en) => ({ enrolment_id: en.id, attended_hours: 56, score: 82 })) },
  });
  if (!recorded.data) {
    throw problem("results", recorded.error);
  }
  const anon = createClient<paths>({ baseUrl });
  for (const r of recorded.data.results) {
    if (r.certificate_code === null) {
      console.log(`${r.enrolment_id}: ${r.status}`);
      continue;
    }
    const cert = await anon.GET("/v1/certificates/{code}", { params: { path: { code: r.certificate_code } } });
    if (!cert.data) {
      throw problem("verify", cert.error);
    }
    console.log(`${cert.data.trainee_name}: ${cert.data.course_code} ${cert.data.status}, issued ${cert.data.issued_on}`);
  }
}

/** walk runs the whole journey against a server, e.g. `make run`'s. */
export async function walk(baseUrl = "http://127.0.0.1:8080"): Promise<void> {
  await trainee(baseUrl);
  await company(baseUrl);
  await operator(baseUrl);
  await instructor(baseUrl);
}
