// Package demo loads a believable demo programme so that a newcomer's first
// calls return meaningful data. Every step checks before it writes, so
// seeding twice changes nothing.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/attendance"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/demand"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/results"
)

// Password is every demo account's password (documented in the README).
const Password = "skillgrid-demo-2026"

// Account is one demo login.
type Account struct {
	Email, Name string
	Role        auth.Role
	Company     string // company name, for companies
	Approved    bool   // for companies
}

// Accounts are the demo logins the README lists.
var Accounts = []Account{
	{Email: "admin@demo.skillgrid.kr", Name: "Operator Kim (운영자 김)", Role: auth.Admin},
	{Email: "instructor.park@demo.skillgrid.kr", Name: "박지훈 (Park Jihoon)", Role: auth.Instructor},
	{Email: "instructor.lee@demo.skillgrid.kr", Name: "이서연 (Lee Seoyeon)", Role: auth.Instructor},
	{Email: "trainee.choi@demo.skillgrid.kr", Name: "최민준 (Choi Minjun)", Role: auth.Trainee},
	{Email: "trainee.jung@demo.skillgrid.kr", Name: "정하은 (Jung Haeun)", Role: auth.Trainee},
	{Email: "trainee.kang@demo.skillgrid.kr", Name: "강도윤 (Kang Doyun)", Role: auth.Trainee},
	{Email: "hr@cellmaker.demo.skillgrid.kr", Name: "Recruiter Han", Role: auth.Company, Company: "한빛셀 (Hanbit Cell)", Approved: true},
	{Email: "hr@materials.demo.skillgrid.kr", Name: "Recruiter Yoon", Role: auth.Company, Company: "누리소재 (Nuri Materials)"},
}

// Seed loads the demo data through the services and reports how many
// records it made.
func Seed(ctx context.Context, a *app.App) (int, error) {
	made := 0
	var admin auth.Actor
	userIDs := map[string]string{}
	for _, acc := range Accounts {
		id, created, err := ensureAccount(ctx, a, acc)
		if err != nil {
			return made, fmt.Errorf("demo account %s: %w", acc.Email, err)
		}
		userIDs[acc.Email] = id
		if created {
			made++
		}
		if acc.Role == auth.Admin {
			admin = auth.Actor{ID: id, Role: auth.Admin}
		}
		if acc.Role == auth.Company && acc.Approved {
			// Approve whenever it is still pending, not only when made in
			// this run: a run stopped between the two steps heals next time.
			co, err := a.Accounts.CompanyOf(ctx, id)
			if err != nil {
				return made, err
			}
			if co.Status == account.CompanyPending {
				if _, err := a.Accounts.DecideCompany(ctx, admin, co.ID, account.CompanyApproved, ""); err != nil {
					return made, err
				}
				if !created {
					made++
				}
			}
		}
	}
	n, err := seedCatalogue(ctx, a, admin, userIDs)
	if err != nil {
		return made + n, err
	}
	m, err := seedPool(ctx, a, userIDs)
	if err != nil {
		return made + n + m, err
	}
	k, err := seedDemands(ctx, a, userIDs)
	return made + n + m + k, err
}

// Demands are the approved demo company's open demands: one the demo's
// graduates cover (both are at BMS level 2 or above), one the programme
// has nobody for yet, so the gap report shows both.
var Demands = []demand.NewDemand{
	{Title: "BMS 검증 엔지니어 (BMS validation engineers)", Track: "bms", MinLevel: 2,
		Skills: []string{"bms", "cell-balancing"}, Headcount: 2, Region: "충청북도 청주시",
		Description: "오창 2공장 BMS 검증팀 (BMS validation team, Ochang plant 2)"},
	{Title: "열폭주 시험 엔지니어 (Thermal runaway test engineers)", Track: "safety-testing", MinLevel: 3,
		Skills: []string{"thermal-runaway", "abuse-testing"}, Headcount: 4, Region: "충청북도 청주시",
		Description: "신규 안전성 시험동 (the new safety test building)"},
}

// seedDemands posts Demands as the approved demo company, each unless it
// has one of that title; they are needed four and six months after the
// day of seeding.
func seedDemands(ctx context.Context, a *app.App, userIDs map[string]string) (int, error) {
	company := auth.Actor{ID: userIDs["hr@cellmaker.demo.skillgrid.kr"], Role: auth.Company}
	have, err := a.Demands.List(ctx, company, demand.Filter{}, page.Params{Limit: page.MaxLimit})
	if err != nil {
		return 0, err
	}
	made := 0
	for i, d := range Demands {
		exists := false
		for _, h := range have.Items {
			exists = exists || h.Title == d.Title
		}
		if exists {
			continue
		}
		d.NeededBy = catalogue.Today(a.Catalogue.Now().AddDate(0, 4+2*i, 0))
		if _, err := a.Demands.Create(ctx, company, d); err != nil {
			return made, fmt.Errorf("demo demand %q: %w", d.Title, err)
		}
		made++
	}
	return made, nil
}

// poolProfiles are the demo graduates who opted in to the graduate pool.
var poolProfiles = []struct {
	Email, Stage, Region, Phone string
	Skills                      []string
}{
	{"trainee.choi@demo.skillgrid.kr", "job_seeker", "충청북도 청주시", "010-2345-6789", []string{"bms", "cell-balancing", "safety-testing"}},
	{"trainee.jung@demo.skillgrid.kr", "incumbent", "충청북도 오창읍", "010-3456-7890", []string{"cell-design", "electrochemistry"}},
}

// seedPool opts two demo graduates in to the pool with their profiles, and
// has the approved demo company ask one of them for contact, so that the
// pool endpoints answer with something on a fresh demo.
func seedPool(ctx context.Context, a *app.App, userIDs map[string]string) (int, error) {
	made := 0
	for _, p := range poolProfiles {
		actor := auth.Actor{ID: userIDs[p.Email], Role: auth.Trainee}
		me, err := a.Accounts.Me(ctx, actor)
		if err != nil {
			return made, err
		}
		if me.TraineeProfile != nil && me.PoolOptIn {
			continue
		}
		optIn := true
		if _, err := a.Accounts.UpdateMe(ctx, actor, account.ProfilePatch{
			Skills: &p.Skills, CareerStage: &p.Stage, Region: &p.Region, Phone: &p.Phone, PoolOptIn: &optIn,
		}); err != nil {
			return made, fmt.Errorf("demo pool profile %s: %w", p.Email, err)
		}
		made++
	}
	company := auth.Actor{ID: userIDs["hr@cellmaker.demo.skillgrid.kr"], Role: auth.Company}
	sent, err := a.Pool.Sent(ctx, company, "", page.Params{Limit: 1})
	if err != nil {
		return made, err
	}
	if len(sent.Items) == 0 {
		msg := "안녕하세요, 한빛셀 채용팀입니다. 셀 설계 직무로 면담을 제안드립니다. (Hanbit Cell would like to talk about a cell-design role.)"
		if _, err := a.Pool.SendContactRequest(ctx, company, userIDs["trainee.jung@demo.skillgrid.kr"], msg); err != nil {
			return made, fmt.Errorf("demo contact request: %w", err)
		}
		made++
	}
	return made, nil
}

func ensureAccount(ctx context.Context, a *app.App, acc Account) (string, bool, error) {
	cred, err := a.Accounts.Store.CredentialsByEmail(ctx, a.DB, acc.Email)
	if err == nil {
		return cred.UserID, false, nil
	}
	if !apperr.IsKind(err, apperr.KindNotFound) {
		return "", false, err
	}
	in := account.NewUser{Email: acc.Email, Password: Password, Name: acc.Name, Role: acc.Role, CompanyName: acc.Company}
	var p account.Profile
	if acc.Role == auth.Trainee || acc.Role == auth.Company {
		p, err = a.Accounts.Register(ctx, in)
	} else {
		p, err = a.Accounts.CreateAccount(ctx, in)
	}
	if err != nil {
		return "", false, err
	}
	return p.ID, true, nil
}

// Course is one course of the demo programme; Prereqs are course codes.
type Course struct {
	Code, Title, Description, Track string
	Level                           int
	Hours                           float64
	Skills, Prereqs                 []string
	Draft                           bool
}

// Courses are the demo programme: every track from foundation up, with
// prerequisite chains, in Korean and English.
var Courses = []Course{
	{Code: "BMS-101", Title: "BMS 기초 (BMS Fundamentals)", Track: "bms", Level: 1, Hours: 24,
		Description: "배터리 관리 시스템의 역할, 전압·전류·온도 측정과 보호 기능. What a BMS does: sensing, protection and state estimation.",
		Skills:      []string{"bms", "battery-basics"}},
	{Code: "BMS-201", Title: "셀 밸런싱과 SOC 추정 (Cell Balancing and SOC Estimation)", Track: "bms", Level: 2, Hours: 40,
		Description: "수동·능동 밸런싱 회로와 쿨롱 카운팅, 칼만 필터 기반 SOC 추정 실습.",
		Skills:      []string{"cell-balancing", "soc-estimation"}, Prereqs: []string{"BMS-101"}},
	{Code: "BMS-301", Title: "BMS 펌웨어 개발 (BMS Firmware Development)", Track: "bms", Level: 3, Hours: 60,
		Description: "임베디드 C와 CAN 통신으로 BMS 펌웨어를 개발하고 HILS로 검증합니다.",
		Skills:      []string{"embedded-c", "can-bus", "hils"}, Prereqs: []string{"BMS-201"}},
	{Code: "BMS-302", Title: "BMS 데이터 분석 (BMS Data Analytics)", Track: "bms", Level: 3, Hours: 32,
		Description: "운행 데이터로 열화와 이상을 찾는 분석 과정 (개설 준비 중).",
		Skills:      []string{"python", "data-analysis"}, Prereqs: []string{"BMS-201"}, Draft: true},
	{Code: "BMS-401", Title: "기능안전 ISO 26262 실무 (Functional Safety with ISO 26262)", Track: "bms", Level: 4, Hours: 48,
		Description: "BMS의 위험 분석, ASIL 결정, 안전 메커니즘 설계.",
		Skills:      []string{"iso-26262", "functional-safety"}, Prereqs: []string{"BMS-301"}},

	{Code: "CELL-101", Title: "이차전지 원리 기초 (Principles of Rechargeable Batteries)", Track: "cell-design", Level: 1, Hours: 24,
		Description: "리튬이온 전지의 구조와 전기화학 원리.",
		Skills:      []string{"electrochemistry", "battery-basics"}},
	{Code: "CELL-201", Title: "전극 설계 (Electrode Design)", Track: "cell-design", Level: 2, Hours: 40,
		Description: "로딩, 공극률, N/P 비로 에너지와 출력의 균형을 잡는 전극 설계.",
		Skills:      []string{"electrode-design"}, Prereqs: []string{"CELL-101"}},
	{Code: "CELL-301", Title: "셀 모델링과 시뮬레이션 (Cell Modelling and Simulation)", Track: "cell-design", Level: 3, Hours: 60,
		Description: "P2D 모델과 열 모델로 셀 성능을 예측합니다.",
		Skills:      []string{"cell-modelling", "simulation"}, Prereqs: []string{"CELL-201"}},
	{Code: "CELL-501", Title: "차세대 전고체 셀 설계 (Next-Generation Solid-State Cell Design)", Track: "cell-design", Level: 5, Hours: 80,
		Description: "황화물·산화물 고체전해질 셀의 계면 설계와 양산성 검토. 전문가 과정.",
		Skills:      []string{"solid-state", "interface-engineering"}, Prereqs: []string{"CELL-301"}},

	{Code: "MAT-101", Title: "배터리 소재 기초 (Battery Materials Basics)", Track: "materials", Level: 1, Hours: 24,
		Description: "양극재, 음극재, 전해질, 분리막의 종류와 특성.",
		Skills:      []string{"battery-materials"}},
	{Code: "MAT-201", Title: "양극재 분석 실습 (Cathode Material Analysis Lab)", Track: "materials", Level: 2, Hours: 40,
		Description: "XRD, SEM, ICP로 NCM 양극재를 분석하는 실습.",
		Skills:      []string{"xrd", "sem", "icp"}, Prereqs: []string{"MAT-101"}},
	{Code: "MAT-301", Title: "전해질과 분리막 (Electrolytes and Separators)", Track: "materials", Level: 3, Hours: 48,
		Description: "전해질 첨가제와 분리막 코팅이 수명과 안전에 미치는 영향.",
		Skills:      []string{"electrolyte", "separator"}, Prereqs: []string{"MAT-201"}},

	{Code: "MFG-101", Title: "배터리 제조 공정 기초 (Battery Manufacturing Basics)", Track: "manufacturing", Level: 1, Hours: 24,
		Description: "전극부터 조립, 화성, 검사까지 셀 제조의 전 과정.",
		Skills:      []string{"manufacturing-basics"}},
	{Code: "MFG-201", Title: "전극 공정: 믹싱·코팅·프레싱 (Electrode Process: Mixing, Coating, Calendering)", Track: "manufacturing", Level: 2, Hours: 40,
		Description: "슬러리 물성 관리와 코팅 두께 편차 줄이기.",
		Skills:      []string{"coating", "calendering"}, Prereqs: []string{"MFG-101"}},
	{Code: "MFG-301", Title: "조립·화성 공정 품질관리 (Assembly and Formation Quality Control)", Track: "manufacturing", Level: 3, Hours: 48,
		Description: "SPC와 MES 데이터로 불량을 추적하고 화성 조건을 최적화합니다.",
		Skills:      []string{"spc", "mes", "formation"}, Prereqs: []string{"MFG-201"}},
	{Code: "MFG-401", Title: "스마트 팩토리 공정 최적화 (Smart Factory Process Optimisation)", Track: "manufacturing", Level: 4, Hours: 60,
		Description: "머신 비전과 공정 데이터로 수율을 끌어올리는 고급 과정.",
		Skills:      []string{"machine-vision", "yield-optimisation"}, Prereqs: []string{"MFG-301"}},

	{Code: "SAF-101", Title: "배터리 안전 기초 (Battery Safety Basics)", Track: "safety-testing", Level: 1, Hours: 16,
		Description: "취급·보관·운송 안전과 사고 사례.",
		Skills:      []string{"battery-safety"}},
	{Code: "SAF-201", Title: "안전성 시험 규격 UN 38.3·IEC 62133 (Safety Test Standards)", Track: "safety-testing", Level: 2, Hours: 32,
		Description: "과충전, 단락, 낙하, 관통 시험의 절차와 판정.",
		Skills:      []string{"un38.3", "iec-62133"}, Prereqs: []string{"SAF-101"}},
	{Code: "SAF-301", Title: "열폭주 분석 (Thermal Runaway Analysis)", Track: "safety-testing", Level: 3, Hours: 40,
		Description: "ARC 시험과 열전파 해석으로 열폭주를 이해하고 막습니다.",
		Skills:      []string{"thermal-runaway", "arc"}, Prereqs: []string{"SAF-201"}},

	{Code: "REC-101", Title: "폐배터리 재활용 기초 (Battery Recycling Basics)", Track: "recycling", Level: 1, Hours: 16,
		Description: "회수, 방전, 해체, 블랙매스까지 재활용의 흐름.",
		Skills:      []string{"recycling-basics"}},
	{Code: "REC-201", Title: "습식 제련 공정 (Hydrometallurgical Recovery)", Track: "recycling", Level: 2, Hours: 40,
		Description: "침출, 용매추출, 결정화로 리튬·니켈·코발트를 회수합니다.",
		Skills:      []string{"hydrometallurgy"}, Prereqs: []string{"REC-101"}},
	{Code: "REC-301", Title: "사용후 배터리 재사용 평가 (Second-Life Battery Assessment)", Track: "recycling", Level: 3, Hours: 40,
		Description: "잔존 수명 평가와 ESS 재사용 등급 판정.",
		Skills:      []string{"soh-assessment", "ess"}, Prereqs: []string{"REC-201"}},
}

// Cohort kinds of the demo: each is placed relative to the day of seeding.
const (
	pastRun     = "1기 (Cohort 1)"
	currentRun  = "2기 (Cohort 2)"
	openRun     = "3기 (Cohort 3)"
	upcomingRun = "4기 (Cohort 4)"
)

// demoCohorts lists, per course code, the runs it gets.
var demoCohorts = map[string][]string{
	"BMS-101": {pastRun, openRun}, "BMS-201": {pastRun, openRun, upcomingRun}, "BMS-301": {currentRun, openRun}, "BMS-401": {upcomingRun},
	"CELL-101": {pastRun, openRun}, "CELL-201": {pastRun, openRun}, "CELL-301": {openRun}, "CELL-501": {upcomingRun},
	"MAT-101": {pastRun, openRun}, "MAT-201": {currentRun, upcomingRun}, "MAT-301": {upcomingRun},
	"MFG-101": {pastRun, openRun}, "MFG-201": {openRun}, "MFG-301": {upcomingRun}, "MFG-401": {upcomingRun},
	"SAF-101": {pastRun, openRun}, "SAF-201": {openRun}, "SAF-301": {upcomingRun},
	"REC-101": {pastRun, openRun}, "REC-201": {openRun}, "REC-301": {upcomingRun},
}

// Placements and completions of the demo trainees: Choi is starting out
// in BMS, Jung is an experienced BMS engineer moving into cell design,
// Kang is a newcomer with no level yet.
var (
	demoPlacements = []struct {
		Email, Track, Reason string
		Level                int
	}{
		{"trainee.jung@demo.skillgrid.kr", "bms", "현직 BMS 엔지니어 5년 경력 (5 years as a BMS engineer)", 3},
		{"trainee.choi@demo.skillgrid.kr", "manufacturing", "전극 공정 현장 2년 (2 years on an electrode line)", 1},
	}
	demoCompletions = []struct{ Email, Course string }{
		{"trainee.choi@demo.skillgrid.kr", "BMS-101"},
		{"trainee.choi@demo.skillgrid.kr", "BMS-201"},
		{"trainee.choi@demo.skillgrid.kr", "SAF-101"},
		{"trainee.jung@demo.skillgrid.kr", "BMS-101"},
		{"trainee.jung@demo.skillgrid.kr", "CELL-101"},
		{"trainee.jung@demo.skillgrid.kr", "CELL-201"},
		{"trainee.jung@demo.skillgrid.kr", "BMS-201"},
	}
	// UnderWay is the cohort under way (started, not ended) whose
	// trainees are enrolled and await their results, so that its
	// instructor can try recording them; the README names it.
	UnderWay = struct{ Course, Label, Instructor string }{"BMS-301", currentRun, "instructor.park@demo.skillgrid.kr"}
	// underWayTrainees are enrolled in UnderWay.
	underWayTrainees = []string{"trainee.choi@demo.skillgrid.kr", "trainee.jung@demo.skillgrid.kr"}
)

// seedCatalogue loads the courses, cohorts, placements and completions,
// each only if it is not there yet.
func seedCatalogue(ctx context.Context, a *app.App, admin auth.Actor, userIDs map[string]string) (int, error) {
	made := 0
	courseIDs := map[string]string{}
	for _, dc := range Courses {
		c, err := a.Catalogue.CourseByCode(ctx, dc.Code)
		if apperr.IsKind(err, apperr.KindNotFound) {
			prereqs := make([]string, len(dc.Prereqs))
			for i, code := range dc.Prereqs {
				prereqs[i] = courseIDs[code]
			}
			status := catalogue.Published
			if dc.Draft {
				status = catalogue.Draft
			}
			c, err = a.Catalogue.CreateCourse(ctx, admin, catalogue.NewCourse{
				Code: dc.Code, Title: dc.Title, Description: dc.Description, Track: dc.Track, Level: dc.Level,
				Hours: dc.Hours, Skills: dc.Skills, Prerequisites: prereqs, Status: status,
			})
			if err == nil {
				made++
			}
		}
		if err != nil {
			return made, fmt.Errorf("demo course %s: %w", dc.Code, err)
		}
		courseIDs[dc.Code] = c.ID
	}

	now := a.Catalogue.Now()
	instructors := map[string]string{
		"bms": "instructor.park@demo.skillgrid.kr", "cell-design": "instructor.park@demo.skillgrid.kr",
		"safety-testing": "instructor.park@demo.skillgrid.kr", "materials": "instructor.lee@demo.skillgrid.kr",
		"manufacturing": "instructor.lee@demo.skillgrid.kr", "recycling": "instructor.lee@demo.skillgrid.kr",
	}
	cohorts := map[string]catalogue.Cohort{} // "code label" -> cohort
	for _, dc := range Courses {
		runs := demoCohorts[dc.Code]
		if len(runs) == 0 {
			continue
		}
		existing, err := a.Catalogue.ListCohorts(ctx, admin, catalogue.CohortFilter{CourseID: courseIDs[dc.Code]}, page.Params{Limit: page.MaxLimit})
		if err != nil {
			return made, err
		}
		for _, ch := range existing.Items {
			cohorts[dc.Code+" "+ch.Label] = ch
		}
		for i, run := range runs {
			if _, ok := cohorts[dc.Code+" "+run]; ok {
				continue
			}
			in := demoCohort(now, run, i)
			in.InstructorID = userIDs[instructors[dc.Track]]
			ch, err := a.Catalogue.CreateCohort(ctx, admin, courseIDs[dc.Code], in)
			if err != nil {
				return made, fmt.Errorf("demo cohort %s %s: %w", dc.Code, run, err)
			}
			cohorts[dc.Code+" "+run] = ch
			made++
		}
	}

	for _, p := range demoPlacements {
		id := userIDs[p.Email]
		levels, err := a.Catalogue.TraineeLevels(ctx, a.DB, id)
		if err != nil {
			return made, err
		}
		if levels[p.Track] >= p.Level {
			continue
		}
		if _, err := a.Catalogue.Place(ctx, admin, id, catalogue.NewPlacement{Track: p.Track, Level: p.Level, Reason: p.Reason}); err != nil {
			return made, fmt.Errorf("demo placement %s: %w", p.Email, err)
		}
		made++
	}

	for _, dc := range demoCompletions {
		did, err := complete(ctx, a, admin, cohorts[dc.Course+" "+pastRun], userIDs[dc.Email])
		if err != nil {
			return made, fmt.Errorf("demo completion %s %s: %w", dc.Email, dc.Course, err)
		}
		if did {
			made++
		}
	}
	seated := map[string]string{}
	for _, email := range underWayTrainees {
		e, did, err := enrol(ctx, a, admin, cohorts[UnderWay.Course+" "+UnderWay.Label], userIDs[email])
		if err != nil {
			return made, fmt.Errorf("demo enrolment %s %s: %w", email, UnderWay.Course, err)
		}
		seated[email] = e.ID
		if did {
			made++
		}
	}
	n, err := seedRegister(ctx, a, admin, cohorts[UnderWay.Course+" "+UnderWay.Label], seated)
	return made + n, err
}

// UnderWaySessions is how many daily sessions the cohort under way has,
// from its first day, each 19:00-21:30 in Korea time (2.5 hours): 50
// hours against the 48 (0.8 × 60) its course requires, so that one
// absence more than a late arrival puts a trainee at risk.
const UnderWaySessions = 20

// seedRegister gives the cohort under way its sessions and a partly kept
// register: of the five sessions already held, the first four are
// recorded, Choi present but late once and Jung absent once, which leaves
// Jung unable to reach the minimum (at risk). A cohort that already has
// sessions is left alone.
func seedRegister(ctx context.Context, a *app.App, admin auth.Actor, ch catalogue.Cohort, seated map[string]string) (int, error) {
	have, err := a.Attendance.Sessions(ctx, admin, ch.ID)
	if err != nil || len(have.Items) > 0 {
		return 0, err
	}
	first, err := time.ParseInLocation(time.DateOnly, ch.StartsOn, a.Attendance.Location())
	if err != nil {
		return 0, err
	}
	made, err := a.Attendance.CreateSessions(ctx, admin, ch.ID, attendance.NewSessions{
		Weekly: &attendance.Weekly{
			Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, StartTime: "19:00", EndTime: "21:30",
			From: ch.StartsOn, To: first.AddDate(0, 0, UnderWaySessions-1).Format(time.DateOnly),
		},
		Topic: "BMS 펌웨어 실습 (BMS firmware lab)",
	})
	if err != nil {
		return 0, fmt.Errorf("demo sessions: %w", err)
	}
	choi, jung := seated["trainee.choi@demo.skillgrid.kr"], seated["trainee.jung@demo.skillgrid.kr"]
	kept := [][2]string{{attendance.Present, attendance.Present}, {attendance.Present, attendance.Absent},
		{attendance.Late, attendance.Present}, {attendance.Present, attendance.LeftEarly}}
	for i, k := range kept {
		if _, err := a.Attendance.PutAttendance(ctx, admin, made.Items[i].ID, []attendance.Entry{
			{EnrolmentID: choi, Status: k[0]}, {EnrolmentID: jung, Status: k[1]},
		}); err != nil {
			return 0, fmt.Errorf("demo register: %w", err)
		}
	}
	return len(made.Items) + len(kept), nil
}

// demoCohort places a run relative to now: a past run finished two months
// ago, a current run is under way, an open run takes enrolments now, an
// upcoming run opens next month. i staggers runs of one course.
func demoCohort(now time.Time, run string, i int) catalogue.NewCohort {
	day := func(d int) string { return catalogue.Today(now.AddDate(0, 0, d)) }
	at := func(d int) time.Time { return now.AddDate(0, 0, d).Truncate(time.Hour) }
	location := "오창 테크노파크 교육동 (Ochang Techno-Park Training Centre)"
	c := catalogue.NewCohort{Label: run, Capacity: 20, Mode: "onsite", Location: &location}
	switch run {
	case pastRun:
		c.StartsOn, c.EndsOn, c.EnrolOpensAt, c.EnrolClosesAt = day(-90), day(-60), at(-130), at(-95)
	case currentRun:
		c.StartsOn, c.EndsOn, c.EnrolOpensAt, c.EnrolClosesAt = day(-5), day(25), at(-40), at(-7)
		c.Mode = "hybrid"
	case openRun:
		c.StartsOn, c.EndsOn, c.EnrolOpensAt, c.EnrolClosesAt = day(21+i), day(50+i), at(-7), at(14)
		c.Capacity = 24
	default:
		c.StartsOn, c.EndsOn, c.EnrolOpensAt, c.EnrolClosesAt = day(75), day(100), at(30), at(60)
		c.Mode, c.Location = "online", nil
	}
	return c
}

// EndOf is the moment a cohort ends: 18:00, programme time, on its
// ends_on. The demo's past results and certificates are dated then.
func EndOf(ch catalogue.Cohort) (time.Time, error) {
	day, err := catalogue.DayStart(ch.EndsOn)
	if err != nil {
		return time.Time{}, err
	}
	return day.Add(18 * time.Hour).UTC(), nil
}

// enrol back-fills the trainee's enrolment in a cohort whose window may
// have closed, through the enrolment rules (eligibility, seats, audit) as
// of an hour after the window opened. It returns the trainee's latest
// enrolment there, and whether it was made now.
func enrol(ctx context.Context, a *app.App, admin auth.Actor, ch catalogue.Cohort, traineeID string) (enrolment.Enrolment, bool, error) {
	var existing []enrolment.Enrolment
	err := a.DB.NewSelect().Model(&existing).Column("id", "status").
		Where("cohort_id = ? AND trainee_id = ?", ch.ID, traineeID).OrderExpr("created_at DESC").Limit(1).Scan(ctx)
	if err != nil {
		return enrolment.Enrolment{}, false, err
	}
	if len(existing) > 0 {
		return existing[0], false, nil
	}
	then := *a.Enrolments
	then.Now = func() time.Time { return ch.EnrolOpensAt.Add(time.Hour) }
	e, _, err := then.Enrol(ctx, admin, ch.ID, traineeID)
	if err == nil && e.Status != enrolment.Enrolled {
		err = fmt.Errorf("%s in cohort %s, not enrolled", e.Status, ch.ID)
	}
	return e, err == nil, err
}

// complete back-fills a finished, passed enrolment in a past cohort: the
// enrolment, then its result through the results service as of the
// cohort's end, which completes it and issues its certificate dated then.
// An enrolment left without a result by an interrupted run gets it now.
// It reports whether it did anything.
func complete(ctx context.Context, a *app.App, admin auth.Actor, ch catalogue.Cohort, traineeID string) (bool, error) {
	e, did, err := enrol(ctx, a, admin, ch, traineeID)
	if err != nil || e.Status != enrolment.Enrolled {
		return did, err
	}
	course, err := a.Catalogue.Course(ctx, admin, ch.CourseID)
	if err != nil {
		return did, err
	}
	end, err := EndOf(ch)
	if err != nil {
		return did, err
	}
	then := *a.Results
	then.Now = func() time.Time { return end }
	_, err = then.Record(ctx, admin, ch.ID, results.Batch{Rows: []results.Row{
		{EnrolmentID: e.ID, AttendedHours: &course.Hours, Score: 85},
	}})
	return err == nil, err
}
