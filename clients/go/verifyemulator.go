// Package verifyemulator starts or attaches to a verify-emulator (a local, stateful Twilio
// Verify) from Go tests, with the standard library only.
//
//	func TestLogin(t *testing.T) {
//		em := verifyemulator.Start(t)                // a fresh emulator; stopped on t.Cleanup
//		// point the app's Twilio client at em.URL, send a code, then:
//		code, err := em.WaitForCode(context.Background(), "+15005550006")
//		...
//	}
package verifyemulator

import (
	"bytes"
	"context"
	"encoding/json"
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
	"sync"
	"syscall"
	"testing"
	"time"
)

// The account an emulator with no accounts configured accepts, and the service it creates.
const (
	DefaultAccountSID = "AC00000000000000000000000000000000"
	DefaultAuthToken  = "emulator-auth-token"
	DefaultServiceSID = "VA00000000000000000000000000000000"
)

// Error is what every failed call returns: the emulator could not be found, started or
// reached, or refused a control request (Status and Body keep its answer).
type Error struct {
	Message string
	// Status is the HTTP status of a refused control request, 0 otherwise.
	Status int
	// Body is the refusal's body (Twilio-shaped JSON).
	Body string
}

func (e *Error) Error() string { return e.Message }

func failf(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// Message is one "sent" message, as GET /emulator/v1/messages lists it.
type Message struct {
	SID             string `json:"sid"`
	To              string `json:"to"`
	Channel         string `json:"channel"`
	Body            string `json:"body"`
	Code            string `json:"code"`
	ServiceSID      string `json:"service_sid"`
	VerificationSID string `json:"verification_sid"`
	AccountSID      string `json:"account_sid"`
	DateCreated     string `json:"date_created"`
}

// Clock is the emulator's clock (an account's own when AccountSID is set).
type Clock struct {
	Now           string  `json:"now"`
	EpochMS       int64   `json:"epoch_ms"`
	Frozen        bool    `json:"frozen"`
	OffsetSeconds float64 `json:"offset_seconds"`
	AccountSID    string  `json:"account_sid,omitempty"`
}

// Account is an account made at run time, for one parallel test: its data and clock are its own.
type Account struct {
	AccountSID   string `json:"account_sid"`
	AuthToken    string `json:"auth_token"`
	ServiceSID   string `json:"service_sid"`
	FriendlyName string `json:"friendly_name"`
}

// Fault is a fault rule: Fault{Endpoint: "verifications", ErrorCode: 60410, Times: 1} makes the
// next start a Fraud Guard refusal.
type Fault struct {
	Endpoint   string
	ErrorCode  int
	Status     int
	Message    string
	LatencyMS  int
	To         string
	ServiceSID string
	Times      int
}

// Options say how Launch and Start run the emulator.
type Options struct {
	// Binary is the verify-emulator to run; else Release, VERIFY_EMULATOR_BIN,
	// VERIFY_EMULATOR_RELEASE, then verify-emulator on PATH.
	Binary string
	// Release is a release tarball (a path or an http(s) URL) with its .sha256 beside it,
	// unpacked in the cache (CacheFolder).
	Release string
	Args    []string
	// Port is a free one when 0.
	Port int
	// DB is ":memory:" when empty.
	DB string
	// Env is added to the process's environment ("NAME=value").
	Env []string
	// Timeout is how long to wait for /readyz (30 s when 0).
	Timeout time.Duration
}

// Option changes Options.
type Option func(*Options)

// WithBinary runs this verify-emulator.
func WithBinary(path string) Option { return func(o *Options) { o.Binary = path } }

// WithRelease runs the verify-emulator of a release tarball (a path or URL).
func WithRelease(pathOrURL string) Option { return func(o *Options) { o.Release = pathOrURL } }

// WithArgs adds command-line arguments (["--fixed-code", "123456"]).
func WithArgs(args ...string) Option { return func(o *Options) { o.Args = append(o.Args, args...) } }

// WithPort listens on this port instead of a free one.
func WithPort(port int) Option { return func(o *Options) { o.Port = port } }

// WithTimeout waits this long for the emulator to become ready.
func WithTimeout(timeout time.Duration) Option { return func(o *Options) { o.Timeout = timeout } }

// WithEnv adds "NAME=value" entries to the emulator's environment.
func WithEnv(entries ...string) Option { return func(o *Options) { o.Env = append(o.Env, entries...) } }

// Emulator is a running emulator, started (Start, Launch) or attached to (Attach).
type Emulator struct {
	// URL is its base URL, such as http://127.0.0.1:41234.
	URL  string
	Port int
	// LogPath holds a started emulator's output.
	LogPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	mu      sync.Mutex
	status  error
	client  *http.Client
}

// Start launches an emulator for a test and stops it on t.Cleanup; a failure ends the test.
func Start(t testing.TB, options ...Option) *Emulator {
	t.Helper()
	em, err := Launch(context.Background(), options...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Stop() })
	return em
}

// FreePort is a TCP port free on loopback right now.
func FreePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

func checked(path, what string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", failf("verify-emulator not found at %s (%s)", path, what)
	}
	if !isExecutable(path) {
		return "", failf("%s (%s) is not an executable file", path, what)
	}
	return path, nil
}

// FindBinary is the verify-emulator Launch would run for options.
func FindBinary(ctx context.Context, options Options) (string, error) {
	switch {
	case options.Binary != "":
		return checked(options.Binary, "the binary given")
	case options.Release != "":
		return UnpackRelease(ctx, options.Release)
	case os.Getenv("VERIFY_EMULATOR_BIN") != "":
		return checked(os.Getenv("VERIFY_EMULATOR_BIN"), "VERIFY_EMULATOR_BIN")
	case os.Getenv("VERIFY_EMULATOR_RELEASE") != "":
		return UnpackRelease(ctx, os.Getenv("VERIFY_EMULATOR_RELEASE"))
	}
	for _, folder := range filepath.SplitList(os.Getenv("PATH")) {
		if folder != "" && isExecutable(filepath.Join(folder, "verify-emulator")) {
			return filepath.Join(folder, "verify-emulator"), nil
		}
	}
	return "", failf("verify-emulator not found (looked at VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE and PATH): " +
		"build it with `swift build`, set VERIFY_EMULATOR_BIN, or use WithRelease(<release tarball path or URL>)")
}

// Launch starts `verify-emulator --port PORT --db DB ARGS...` and waits until /readyz answers;
// the error carries the emulator's output when it exits first or is not ready in time.
func Launch(ctx context.Context, options ...Option) (*Emulator, error) {
	var o Options
	for _, option := range options {
		option(&o)
	}
	if o.DB == "" {
		o.DB = ":memory:"
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	binary, err := FindBinary(ctx, o)
	if err != nil {
		return nil, err
	}
	if o.Port == 0 {
		if o.Port, err = FreePort(); err != nil {
			return nil, failf("no free port: %v", err)
		}
	}
	folder, err := os.MkdirTemp("", "verify-emulator-")
	if err != nil {
		return nil, failf("cannot make a folder for the log: %v", err)
	}
	logPath := filepath.Join(folder, "emulator.log")
	log, err := os.Create(logPath)
	if err != nil {
		return nil, failf("cannot write %s: %v", logPath, err)
	}
	defer log.Close()
	cmd := exec.Command(binary, append([]string{"--port", strconv.Itoa(o.Port), "--db", o.DB}, o.Args...)...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), o.Env...)
	if err := cmd.Start(); err != nil {
		return nil, failf("cannot run %s: %v", binary, err)
	}
	em := newEmulator(fmt.Sprintf("http://127.0.0.1:%d", o.Port))
	em.LogPath, em.cmd, em.exited = logPath, cmd, make(chan struct{})
	go func() {
		status := cmd.Wait()
		em.mu.Lock()
		em.status = status
		em.mu.Unlock()
		close(em.exited)
	}()
	deadline := time.Now().Add(o.Timeout)
	for time.Now().Before(deadline) {
		select {
		case <-em.exited:
			return nil, failf("verify-emulator exited with %s: %s", em.exitStatus(), em.Output())
		case <-ctx.Done():
			_ = em.kill()
			return nil, failf("verify-emulator start cancelled: %v", ctx.Err())
		default:
		}
		if em.answers(ctx) {
			return em, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = em.kill()
	return nil, failf("verify-emulator was not ready within %s: %s", o.Timeout, em.Output())
}

// Attach returns the emulator running at url (VERIFY_EMULATOR_URL when empty) once /readyz
// answers, waiting at most timeout (10 s when 0).
func Attach(ctx context.Context, url string, timeout time.Duration) (*Emulator, error) {
	if url == "" {
		url = os.Getenv("VERIFY_EMULATOR_URL")
	}
	if url == "" {
		return nil, failf("no URL to attach to: pass one or set VERIFY_EMULATOR_URL")
	}
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	em := newEmulator(url)
	deadline := time.Now().Add(timeout)
	for !em.answers(ctx) {
		if time.Now().After(deadline) {
			return nil, failf("no ready verify-emulator at %s within %s", url, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return em, nil
}

func newEmulator(base string) *Emulator {
	base = strings.TrimRight(base, "/")
	port := 80
	if parsed, err := url.Parse(base); err == nil && parsed.Port() != "" {
		port, _ = strconv.Atoi(parsed.Port())
	}
	return &Emulator{URL: base, Port: port, client: &http.Client{Timeout: 70 * time.Second}}
}

func (em *Emulator) answers(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, em.URL+"/readyz", nil)
	if err != nil {
		return false
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, response.Body)
	response.Body.Close()
	return response.StatusCode == http.StatusOK
}

func (em *Emulator) exitStatus() string {
	em.mu.Lock()
	defer em.mu.Unlock()
	var exit *exec.ExitError
	if errors.As(em.status, &exit) {
		if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return status.Signal().String()
		}
		return strconv.Itoa(exit.ExitCode())
	}
	if em.status != nil {
		return em.status.Error()
	}
	return "0"
}

func (em *Emulator) kill() error {
	_ = em.cmd.Process.Kill()
	<-em.exited
	return nil
}

// PID is a started emulator's process id; 0 for an attached one.
func (em *Emulator) PID() int {
	if em.cmd == nil {
		return 0
	}
	return em.cmd.Process.Pid
}

// Stop stops a started emulator with SIGTERM (it finishes requests in flight; SIGKILL after
// 10 s). It returns nil when it exited with 0, and an *Error naming how it ended otherwise (one
// that had died already included); an attached emulator is left running.
func (em *Emulator) Stop() error {
	if em.cmd == nil {
		return nil
	}
	select {
	case <-em.exited:
	default:
		_ = em.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-em.exited:
		case <-time.After(10 * time.Second):
			_ = em.kill()
		}
	}
	if status := em.exitStatus(); status != "0" {
		return failf("verify-emulator ended with %s", status)
	}
	return nil
}

// Output is what a started emulator has written (its log), so far.
func (em *Emulator) Output() string {
	if em.LogPath == "" {
		return ""
	}
	data, _ := os.ReadFile(em.LogPath)
	return strings.TrimSpace(string(data))
}

// MARK: messages

// MessageQuery filters Messages; Wait (at most a minute) makes the emulator answer as soon as a
// matching message is sent when none is there yet.
type MessageQuery struct {
	To, ServiceSID, VerificationSID, AccountSID string
	Limit                                       int
	Wait                                        time.Duration
}

// Messages lists "sent" messages, newest first.
func (em *Emulator) Messages(ctx context.Context, query MessageQuery) ([]Message, error) {
	values := url.Values{}
	set(values, "to", query.To)
	set(values, "service_sid", query.ServiceSID)
	set(values, "verification_sid", query.VerificationSID)
	set(values, "account_sid", query.AccountSID)
	limit := query.Limit
	if limit == 0 {
		limit = 50
	}
	values.Set("limit", strconv.Itoa(limit))
	if query.Wait > 0 {
		values.Set("wait", fmt.Sprintf("%dms", query.Wait.Milliseconds()))
	}
	var page struct {
		Messages []Message `json:"messages"`
	}
	err := em.Request(ctx, http.MethodGet, "/emulator/v1/messages", values, nil, &page)
	return page.Messages, err
}

// WaitForCode is the newest code sent to `to`, waiting up to 10 s (or ctx's deadline, when
// sooner) for one to arrive, by long poll.
func (em *Emulator) WaitForCode(ctx context.Context, to string) (string, error) {
	deadline := time.Now().Add(10 * time.Second)
	if until, ok := ctx.Deadline(); ok && until.Before(deadline) {
		deadline = until
	}
	start := time.Now()
	missing := func() error {
		return failf("no code was sent to %s within %s", to, deadline.Sub(start).Round(time.Millisecond))
	}
	for {
		// the emulator answers a little before the deadline, so ctx is not done while it waits
		left := time.Until(deadline) - 50*time.Millisecond
		if left < time.Millisecond {
			left = time.Millisecond
		}
		if left > time.Minute {
			left = time.Minute
		}
		found, err := em.Messages(ctx, MessageQuery{To: to, Limit: 1, Wait: left})
		if err != nil {
			if ctx.Err() != nil {
				return "", missing()
			}
			return "", err
		}
		if len(found) > 0 {
			return found[0].Code, nil
		}
		if !time.Now().Before(deadline.Add(-50 * time.Millisecond)) {
			return "", missing()
		}
	}
}

// MARK: clock

// Clock reads the clock; with an account sid, that account's own.
func (em *Emulator) Clock(ctx context.Context, accountSID ...string) (Clock, error) {
	values := url.Values{}
	if len(accountSID) > 0 {
		set(values, "account_sid", accountSID[0])
	}
	var clock Clock
	err := em.Request(ctx, http.MethodGet, "/emulator/v1/clock", values, nil, &clock)
	return clock, err
}

// AdvanceClock moves the clock (code expiry, limit windows, dates) by seconds; with an account
// sid, only that account's own clock.
func (em *Emulator) AdvanceClock(ctx context.Context, seconds float64, accountSID ...string) (Clock, error) {
	return em.changeClock(ctx, map[string]any{"advance_seconds": seconds}, accountSID)
}

// SetClock sets the clock to a UTC time like 2030-01-01T00:00:00Z and freezes or runs it.
func (em *Emulator) SetClock(ctx context.Context, when string, frozen bool, accountSID ...string) (Clock, error) {
	return em.changeClock(ctx, map[string]any{"set": when, "frozen": frozen}, accountSID)
}

// FreezeClock stops (true) or starts (false) the clock.
func (em *Emulator) FreezeClock(ctx context.Context, frozen bool, accountSID ...string) (Clock, error) {
	return em.changeClock(ctx, map[string]any{"frozen": frozen}, accountSID)
}

func (em *Emulator) changeClock(ctx context.Context, body map[string]any, accountSID []string) (Clock, error) {
	if len(accountSID) > 0 {
		body["account_sid"] = accountSID[0]
	}
	var clock Clock
	err := em.Request(ctx, http.MethodPost, "/emulator/v1/clock", nil, body, &clock)
	return clock, err
}

// MARK: accounts, codes, faults, reset

// CreateAccount makes an account with its own service, data and clock, for one parallel test.
func (em *Emulator) CreateAccount(ctx context.Context, friendlyName string) (Account, error) {
	body := map[string]any{}
	if friendlyName != "" {
		body["friendly_name"] = friendlyName
	}
	var account Account
	err := em.Request(ctx, http.MethodPost, "/emulator/v1/accounts", nil, body, &account)
	return account, err
}

// DeleteAccount removes an account made by CreateAccount, with everything it holds.
func (em *Emulator) DeleteAccount(ctx context.Context, accountSID string) error {
	return em.Request(ctx, http.MethodDelete, "/emulator/v1/accounts/"+url.PathEscape(accountSID), nil, nil, nil)
}

// FixedCode gives every new verification (to `to`, or on serviceSID, when not empty) code.
func (em *Emulator) FixedCode(ctx context.Context, code, to, serviceSID string) error {
	body := map[string]any{"code": code}
	if to != "" {
		body["to"] = to
	}
	if serviceSID != "" {
		body["service_sid"] = serviceSID
	}
	return em.Request(ctx, http.MethodPost, "/emulator/v1/codes", nil, body, nil)
}

// ClearFixedCode removes a fixed code (for `to`, or serviceSID, or the default one).
func (em *Emulator) ClearFixedCode(ctx context.Context, to, serviceSID string) error {
	values := url.Values{}
	set(values, "to", to)
	set(values, "service_sid", serviceSID)
	return em.Request(ctx, http.MethodDelete, "/emulator/v1/codes", values, nil, nil)
}

// AddFault adds a fault rule; it returns the rule as stored, with its "id".
func (em *Emulator) AddFault(ctx context.Context, fault Fault) (map[string]any, error) {
	rule := map[string]any{"endpoint": "any"}
	if fault.Endpoint != "" {
		rule["endpoint"] = fault.Endpoint
	}
	if fault.ErrorCode != 0 {
		problem := map[string]any{"code": fault.ErrorCode}
		if fault.Status != 0 {
			problem["status"] = fault.Status
		}
		if fault.Message != "" {
			problem["message"] = fault.Message
		}
		rule["error"] = problem
	}
	for name, value := range map[string]int{"latency_ms": fault.LatencyMS, "times": fault.Times} {
		if value != 0 {
			rule[name] = value
		}
	}
	for name, value := range map[string]string{"to": fault.To, "service_sid": fault.ServiceSID} {
		if value != "" {
			rule[name] = value
		}
	}
	var stored map[string]any
	err := em.Request(ctx, http.MethodPost, "/emulator/v1/faults", nil, rule, &stored)
	return stored, err
}

// ClearFaults removes every fault rule.
func (em *Emulator) ClearFaults(ctx context.Context) error {
	return em.Request(ctx, http.MethodDelete, "/emulator/v1/faults", nil, nil, nil)
}

// Reset deletes services, verifications, messages and fixed codes (of one account, when given);
// fixture services come back, fault rules stay.
func (em *Emulator) Reset(ctx context.Context, accountSID ...string) error {
	values := url.Values{}
	if len(accountSID) > 0 {
		set(values, "account_sid", accountSID[0])
	}
	return em.Request(ctx, http.MethodPost, "/emulator/v1/reset", values, nil, nil)
}

// MARK: snapshots

// Snapshot saves the whole state (database, clock, fault rules) under name.
func (em *Emulator) Snapshot(ctx context.Context, name string) error {
	return em.Request(ctx, http.MethodPost, "/emulator/v1/snapshots", nil, map[string]any{"name": name}, nil)
}

// Restore puts the snapshot name back.
func (em *Emulator) Restore(ctx context.Context, name string) error {
	return em.Request(ctx, http.MethodPost, "/emulator/v1/snapshots/"+url.PathEscape(name)+"/restore", nil, nil, nil)
}

// DeleteSnapshot removes the snapshot name.
func (em *Emulator) DeleteSnapshot(ctx context.Context, name string) error {
	return em.Request(ctx, http.MethodDelete, "/emulator/v1/snapshots/"+url.PathEscape(name), nil, nil, nil)
}

// Snapshots lists the saved snapshots.
func (em *Emulator) Snapshots(ctx context.Context) ([]map[string]any, error) {
	var list struct {
		Snapshots []map[string]any `json:"snapshots"`
	}
	err := em.Request(ctx, http.MethodGet, "/emulator/v1/snapshots", nil, nil, &list)
	return list.Snapshots, err
}

// MARK: HTTP

func set(values url.Values, name, value string) {
	if value != "" {
		values.Set(name, value)
	}
}

// Request makes one control-API call and decodes its JSON answer into answer (when not nil).
func (em *Emulator) Request(ctx context.Context, method, path string, query url.Values, body, answer any) error {
	target := em.URL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return failf("cannot encode %s %s: %v", method, path, err)
		}
		reader = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return failf("%s %s: %v", method, path, err)
	}
	if body != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	response, err := em.client.Do(request)
	if err != nil {
		var reason error = err
		var urlError *url.Error
		if errors.As(err, &urlError) {
			reason = urlError.Err
		}
		return failf("cannot reach the emulator at %s: %v", em.URL, reason)
	}
	defer response.Body.Close()
	raw, err := io.ReadAll(response.Body)
	if err != nil {
		return failf("%s %s: reading the answer: %v", method, path, err)
	}
	if response.StatusCode >= 300 {
		return &Error{
			Message: fmt.Sprintf("%s %s answered %d: %s", method, path, response.StatusCode, raw),
			Status:  response.StatusCode, Body: string(raw),
		}
	}
	if answer != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, answer); err != nil {
			return failf("%s %s: the answer is not the JSON expected: %v", method, path, err)
		}
	}
	return nil
}
