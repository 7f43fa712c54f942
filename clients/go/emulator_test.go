package verifyemulator_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	verifyemulator "verify-emulator/clients/go"
)

func send(t *testing.T, em *verifyemulator.Emulator, to string) {
	t.Helper()
	form := url.Values{"To": {to}, "Channel": {"sms"}}
	request, _ := http.NewRequest(http.MethodPost, em.URL+"/v2/Services/"+verifyemulator.DefaultServiceSID+"/Verifications", strings.NewReader(form.Encode()))
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	request.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(verifyemulator.DefaultAccountSID+":"+verifyemulator.DefaultAuthToken)))
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusCreated {
		t.Fatalf("send to %s: %d", to, response.StatusCode)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOperations(t *testing.T) {
	ctx := context.Background()
	em := verifyemulator.Start(t, verifyemulator.WithArgs("--log-level", "info"))
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(em.URL) || em.PID() == 0 {
		t.Fatalf("url %s pid %d", em.URL, em.PID())
	}

	// the long poll: the code arrives while it waits
	go func() { time.Sleep(200 * time.Millisecond); send(t, em, "+15005550301") }()
	code, err := em.WaitForCode(ctx, "+15005550301")
	must(t, err)
	messages, err := em.Messages(ctx, verifyemulator.MessageQuery{To: "+15005550301"})
	must(t, err)
	if len(messages) != 1 || messages[0].Code != code || messages[0].Channel != "sms" {
		t.Fatalf("messages %+v, code %s", messages, code)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := em.WaitForCode(short, "+15005550399"); err == nil || !strings.HasPrefix(err.Error(), "no code was sent to +15005550399 within") {
		t.Fatalf("got %v", err)
	}

	// the clock, and an account's own
	before, err := em.Clock(ctx)
	must(t, err)
	moved, err := em.AdvanceClock(ctx, 90)
	must(t, err)
	if moved.OffsetSeconds-before.OffsetSeconds != 90 {
		t.Fatalf("moved %+v", moved)
	}
	set, err := em.SetClock(ctx, "2030-01-01T00:00:00Z", true)
	must(t, err)
	if set.Now != "2030-01-01T00:00:00Z" || !set.Frozen {
		t.Fatalf("set %+v", set)
	}
	running, err := em.FreezeClock(ctx, false)
	must(t, err)
	if running.Frozen {
		t.Fatal("still frozen")
	}
	account, err := em.CreateAccount(ctx, "worker-1")
	must(t, err)
	own, err := em.AdvanceClock(ctx, 600, account.AccountSID)
	must(t, err)
	read, err := em.Clock(ctx, account.AccountSID)
	must(t, err)
	global, err := em.Clock(ctx)
	must(t, err)
	if own.AccountSID != account.AccountSID || read.OffsetSeconds != own.OffsetSeconds || global.OffsetSeconds == own.OffsetSeconds {
		t.Fatalf("own %+v read %+v global %+v", own, read, global)
	}
	must(t, em.DeleteAccount(ctx, account.AccountSID))

	// fixed codes, faults, snapshots, reset
	must(t, em.FixedCode(ctx, "246810", "", verifyemulator.DefaultServiceSID))
	send(t, em, "+15005550302")
	fixed, err := em.WaitForCode(ctx, "+15005550302")
	must(t, err)
	if fixed != "246810" {
		t.Fatalf("fixed %s", fixed)
	}
	must(t, em.ClearFixedCode(ctx, "", verifyemulator.DefaultServiceSID))
	rule, err := em.AddFault(ctx, verifyemulator.Fault{Endpoint: "verifications", ErrorCode: 60203, Times: 1})
	must(t, err)
	if id, _ := rule["id"].(string); !strings.HasPrefix(id, "FR") {
		t.Fatalf("rule %v", rule)
	}
	must(t, em.ClearFaults(ctx))
	must(t, em.Snapshot(ctx, "go-helper"))
	list, err := em.Snapshots(ctx)
	must(t, err)
	if len(list) != 1 || list[0]["name"] != "go-helper" {
		t.Fatalf("snapshots %v", list)
	}
	must(t, em.Reset(ctx))
	if found, _ := em.Messages(ctx, verifyemulator.MessageQuery{To: "+15005550302"}); len(found) != 0 {
		t.Fatalf("after reset %v", found)
	}
	must(t, em.Restore(ctx, "go-helper"))
	if found, _ := em.Messages(ctx, verifyemulator.MessageQuery{To: "+15005550302"}); len(found) != 1 {
		t.Fatalf("after restore %v", found)
	}
	must(t, em.DeleteSnapshot(ctx, "go-helper"))

	// a refusal names what the emulator answered
	err = em.FixedCode(ctx, "1", "", "")
	var refusal *verifyemulator.Error
	if !errors.As(err, &refusal) || refusal.Status != 400 || !strings.Contains(err.Error(), "POST /emulator/v1/codes answered 400") ||
		!strings.Contains(err.Error(), "code must be 4 to 10 letters or digits") {
		t.Fatalf("got %v", err)
	}

	// env: curl through the proxy trusts the bundle and reaches the emulator as verify.twilio.com
	env, err := em.Env(ctx, t.TempDir())
	must(t, err)
	if env["HTTPS_PROXY"] != em.URL || env["NO_PROXY"] != "localhost,127.0.0.1,::1" {
		t.Fatalf("env %v", env)
	}
	curl := exec.Command("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u",
		verifyemulator.DefaultAccountSID+":"+verifyemulator.DefaultAuthToken,
		"https://verify.twilio.com/v2/Services/"+verifyemulator.DefaultServiceSID)
	for name, value := range env {
		curl.Env = append(curl.Env, name+"="+value)
	}
	curl.Env = append(curl.Env, "PATH="+os.Getenv("PATH"))
	answer, err := curl.Output()
	if err != nil || string(answer) != "200" {
		t.Fatalf("curl through the proxy: %s %v", answer, err)
	}
	// Go's own client, through the same environment, as an unmodified Go app would
	app := exec.Command("go", "run", "./testdata/app")
	app.Env = os.Environ()
	for name, value := range env {
		app.Env = append(app.Env, name+"="+value)
	}
	if output, err := app.CombinedOutput(); err != nil || strings.TrimSpace(string(output)) != "200 "+verifyemulator.DefaultServiceSID {
		t.Fatalf("a Go app through the proxy: %s %v", output, err)
	}

	// attach: by URL and by VERIFY_EMULATOR_URL; stopping it leaves the emulator running
	attached, err := verifyemulator.Attach(ctx, em.URL+"/", 0)
	must(t, err)
	must(t, attached.Stop())
	t.Setenv("VERIFY_EMULATOR_URL", em.URL)
	fromEnv, err := verifyemulator.Attach(ctx, "", 0)
	must(t, err)
	if fromEnv.URL != em.URL {
		t.Fatalf("attached to %s", fromEnv.URL)
	}
	if _, err := em.Clock(ctx); err != nil {
		t.Fatalf("after stopping an attached one: %v", err)
	}
	must(t, em.Stop())
}

func TestUnhappyPaths(t *testing.T) {
	ctx := context.Background()
	t.Run("attach with no URL or to a dead port", func(t *testing.T) {
		t.Setenv("VERIFY_EMULATOR_URL", "")
		if _, err := verifyemulator.Attach(ctx, "", 0); err == nil || err.Error() != "no URL to attach to: pass one or set VERIFY_EMULATOR_URL" {
			t.Fatalf("got %v", err)
		}
		port, _ := verifyemulator.FreePort()
		want := fmt.Sprintf("no ready verify-emulator at http://127.0.0.1:%d within 300ms", port)
		if _, err := verifyemulator.Attach(ctx, fmt.Sprintf("http://127.0.0.1:%d", port), 300*time.Millisecond); err == nil || err.Error() != want {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a missing binary, a file that is not executable, nothing on PATH", func(t *testing.T) {
		_, err := verifyemulator.Launch(ctx, verifyemulator.WithBinary("/nonexistent/verify-emulator"))
		if err == nil || err.Error() != "verify-emulator not found at /nonexistent/verify-emulator (the binary given)" {
			t.Fatalf("got %v", err)
		}
		plain := filepath.Join(t.TempDir(), "verify-emulator")
		must(t, os.WriteFile(plain, []byte("not a program"), 0o644))
		if _, err := verifyemulator.Launch(ctx, verifyemulator.WithBinary(plain)); err == nil || err.Error() != plain+" (the binary given) is not an executable file" {
			t.Fatalf("got %v", err)
		}
		t.Setenv("VERIFY_EMULATOR_BIN", "")
		t.Setenv("PATH", t.TempDir())
		if _, err := verifyemulator.Launch(ctx); err == nil || !strings.HasPrefix(err.Error(), "verify-emulator not found (looked at VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE and PATH)") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a busy port: the emulator's own refusal", func(t *testing.T) {
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		defer busy.Close()
		port := busy.Addr().(*net.TCPAddr).Port
		_, err = verifyemulator.Launch(ctx, verifyemulator.WithPort(port))
		if err == nil || !regexp.MustCompile(`^verify-emulator exited with \d+: .*`+fmt.Sprint(port)).MatchString(strings.ReplaceAll(err.Error(), "\n", " ")) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("never ready: an error within the timeout", func(t *testing.T) {
		hanging := filepath.Join(t.TempDir(), "verify-emulator")
		must(t, os.WriteFile(hanging, []byte("#!/bin/sh\necho starting but never ready\nexec sleep 30\n"), 0o755))
		started := time.Now()
		_, err := verifyemulator.Launch(ctx, verifyemulator.WithBinary(hanging), verifyemulator.WithTimeout(500*time.Millisecond))
		if err == nil || err.Error() != "verify-emulator was not ready within 500ms: starting but never ready" || time.Since(started) > 3*time.Second {
			t.Fatalf("got %v after %s", err, time.Since(started))
		}
	})
	t.Run("a stop after the process died names how it ended", func(t *testing.T) {
		em, err := verifyemulator.Launch(ctx)
		must(t, err)
		must(t, syscall.Kill(em.PID(), syscall.SIGKILL))
		if err := em.Stop(); err == nil || err.Error() != "verify-emulator ended with killed" {
			t.Fatalf("got %v", err)
		}
		if err := em.Stop(); err == nil || err.Error() != "verify-emulator ended with killed" {
			t.Fatalf("second stop: %v", err)
		}
		if _, err := em.Clock(ctx); err == nil || !strings.HasPrefix(err.Error(), "cannot reach the emulator at "+em.URL) {
			t.Fatalf("got %v", err)
		}
	})
}

// tarball lays out a release as scripts/release.sh does; its verify-emulator runs the built one.
func tarball(t *testing.T, folder string) (string, string) {
	path := filepath.Join(folder, "verify-emulator-0.0.0-linux-test.tar.gz")
	file, err := os.Create(path)
	must(t, err)
	zipped := gzip.NewWriter(file)
	archive := tar.NewWriter(zipped)
	script := fmt.Sprintf("#!/bin/sh\nexec %q \"$@\"\n", os.Getenv("VERIFY_EMULATOR_BIN"))
	must(t, archive.WriteHeader(&tar.Header{Name: "verify-emulator-0.0.0-linux-test/", Typeflag: tar.TypeDir, Mode: 0o755}))
	must(t, archive.WriteHeader(&tar.Header{Name: "verify-emulator-0.0.0-linux-test/bin/verify-emulator", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(script))}))
	_, err = archive.Write([]byte(script))
	must(t, err)
	must(t, archive.Close())
	must(t, zipped.Close())
	must(t, file.Close())
	data, _ := os.ReadFile(path)
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	must(t, os.WriteFile(path+".sha256", []byte(digest+"  verify-emulator-0.0.0-linux-test.tar.gz\n"), 0o644))
	return path, digest
}

func TestReleaseTarball(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	t.Setenv("VERIFY_EMULATOR_CACHE", filepath.Join(folder, "cache"))
	path, digest := tarball(t, folder)
	unpacked, err := verifyemulator.UnpackRelease(ctx, path)
	must(t, err)
	if unpacked != filepath.Join(folder, "cache", digest, "verify-emulator-0.0.0-linux-test", "bin", "verify-emulator") {
		t.Fatalf("unpacked at %s", unpacked)
	}
	server := httptest.NewServer(http.FileServer(http.Dir(folder)))
	defer server.Close()
	em, err := verifyemulator.Launch(ctx, verifyemulator.WithRelease(server.URL+"/verify-emulator-0.0.0-linux-test.tar.gz"))
	must(t, err)
	must(t, em.Stop())
	if _, err := verifyemulator.UnpackRelease(ctx, server.URL+"/missing.tar.gz"); err == nil || !strings.HasSuffix(err.Error(), "missing.tar.gz: HTTP 404") {
		t.Fatalf("got %v", err)
	}
	if real := os.Getenv("RELEASE_TARBALL"); real != "" {
		em := verifyemulator.Start(t, verifyemulator.WithRelease(real))
		if _, err := em.Clock(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// a tarball that does not match its checksum, or has none: refused, nothing unpacked
	other := t.TempDir()
	t.Setenv("VERIFY_EMULATOR_CACHE", filepath.Join(other, "cache"))
	bad, _ := tarball(t, other)
	must(t, os.WriteFile(bad+".sha256", []byte(strings.Repeat("0", 64)+"  x.tar.gz\n"), 0o644))
	if _, err := verifyemulator.UnpackRelease(ctx, bad); err == nil || !regexp.MustCompile(`does not match its \.sha256 \(0{64}\): its SHA-256 is [0-9a-f]{64}$`).MatchString(err.Error()) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "cache")); !os.IsNotExist(err) {
		t.Fatal("a refused tarball was unpacked")
	}
	must(t, os.Remove(bad+".sha256"))
	if _, err := verifyemulator.UnpackRelease(ctx, bad); err == nil || err.Error() != "cannot read the release checksum "+bad+".sha256: no such file or directory" {
		t.Fatalf("got %v", err)
	}
}
