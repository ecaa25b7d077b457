// Package bench holds what the benchmark commands (cmd/bench-rush,
// cmd/bench-pool, cmd/bench-login) share: a fresh database to measure on,
// a free loopback address for a real `serve` process, waiting until it is
// ready, and percentiles. Benchmarks measure; they never assert timings.
package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// FreshDatabase makes an empty database of dialect ("sqlite": a file in a
// temporary folder named after tool; "postgres": a new database on the
// server of pgURL) and returns its URL and the function that drops it.
func FreshDatabase(ctx context.Context, tool, dialect, pgURL string) (string, func(), error) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	switch dialect {
	case "sqlite":
		dir, err := os.MkdirTemp("", tool)
		if err != nil {
			return "", nil, err
		}
		return "sqlite://" + filepath.Join(dir, "bench.db"), func() { _ = os.RemoveAll(dir) }, nil
	case "postgres":
		admin, err := db.Open(ctx, pgURL)
		if err != nil {
			return "", nil, err
		}
		name := "skillgrid_bench_" + hex.EncodeToString(suffix)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			_ = admin.Close()
			return "", nil, err
		}
		u, err := url.Parse(pgURL)
		if err != nil {
			_ = admin.Close()
			return "", nil, err
		}
		u.Path = "/" + name
		return u.String(), func() {
			_, _ = admin.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
			_ = admin.Close()
		}, nil
	}
	return "", nil, fmt.Errorf("-db must be sqlite or postgres, not %q", dialect)
}

// FreeAddr is a loopback address no one listens on right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// WaitReady polls u until it answers 200, for at most 30 seconds.
func WaitReady(u string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the server never became ready")
}

// Percentile is the p-th percentile (nearest rank) of sorted durations, 0
// for none.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)].Round(time.Microsecond)
}

// Server is a real `skillgrid serve` process a benchmark drives.
type Server struct {
	// Base is its URL, http://host:port.
	Base string
	// PID is its process id, for reading its CPU time and memory.
	PID int
	cmd *exec.Cmd
}

// Serve starts bin's `serve` on dsn at a free loopback address, with the
// extra environment (NAME=value) on top of this process's, and waits until
// it is ready. Stop ends it.
func Serve(bin, dsn string, env ...string) (*Server, error) {
	return Start(bin, []string{"serve"}, append([]string{"SKILLGRID_DATABASE_URL=" + dsn, "SKILLGRID_LOG_LEVEL=warn"}, env...))
}

// Start runs bin with the arguments and the extra environment, with
// SKILLGRID_ADDR set to a free loopback address, and waits until it
// answers 200 on /readyz there. Stop ends it.
func Start(bin string, args, env []string) (*Server, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "SKILLGRID_ADDR="+addr), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Base: "http://" + addr, PID: cmd.Process.Pid, cmd: cmd}
	if err := WaitReady(s.Base + "/readyz"); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop asks the server to shut down (SIGTERM) and waits for it.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
}

// CPUTime is the user and system CPU time process pid has used, from
// /proc (Linux); 0 where that cannot be read.
func CPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at state.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// CPUTimeOf is the CPU time used so far by every process whose command
// name is comm (PostgreSQL's backends are all "postgres"), from /proc
// (Linux); 0 where none can be read. A process that exits between two
// readings takes its time with it, so compare readings across a span in
// which the processes live (a server's pooled connections).
func CPUTimeOf(comm string) time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var t time.Duration
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		name, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err != nil || strings.TrimSpace(string(name)) != comm {
			continue
		}
		t += CPUTime(pid)
	}
	return t
}

// SelfCPUTime is the user and system CPU time this process has used.
func SelfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// RSS is process pid's resident set size in KiB, from /proc (Linux).
func RSS(pid int) (int, error) { return statusKiB(pid, "VmRSS") }

// statusKiB is the field (VmRSS, VmHWM...) of process pid's
// /proc/PID/status, in KiB.
func statusKiB(pid int, field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

// PeakRSS measures process pid's highest RSS from now until the function
// it returns is called, which returns it in KiB (0 when it could not be
// read). It resets the kernel's record of the process's peak (writing 5
// to /proc/PID/clear_refs, Linux 4.0 and later) and reads it (VmHWM) at
// the end, so that nothing runs meanwhile: sampling /proc/PID/status
// every 20 ms had cost the load generator a seventh of its CPU in a rush,
// on the cores the server shares. Where the reset is refused it samples.
func PeakRSS(pid int) func() int {
	if os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil {
		return func() int {
			peak, _ := statusKiB(pid, "VmHWM")
			return peak
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	peak := 0
	sample := func() {
		if r, err := RSS(pid); err == nil && r > peak {
			peak = r
		}
	}
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int {
		close(stop)
		<-done
		sample()
		return peak
	}
}
