package verifyemulator_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	verifyemulator "verify-emulator/clients/go"
)

// clients/scenarios.json: the one behaviour every language's helper shares.
type scenarioFile struct {
	AccountSID string     `json:"account_sid"`
	AuthToken  string     `json:"auth_token"`
	ServiceSID string     `json:"service_sid"`
	Scenarios  []scenario `json:"scenarios"`
}

type scenario struct {
	Name      string `json:"name"`
	Emulators int    `json:"emulators"`
	Steps     []step `json:"steps"`
}

type step struct {
	Op        string  `json:"op"`
	Emulator  int     `json:"emulator"`
	To        string  `json:"to"`
	Code      string  `json:"code"`
	Status    string  `json:"status"`
	Error     int     `json:"error"`
	Save      string  `json:"save"`
	Saved     string  `json:"saved"`
	Equals    string  `json:"equals"`
	Count     *int    `json:"count"`
	Seconds   float64 `json:"seconds"`
	Endpoint  string  `json:"endpoint"`
	ErrorCode int     `json:"error_code"`
	Times     int     `json:"times"`
	Name      string  `json:"name"`
	Refused   int     `json:"refused"`
}

// wrong is a code of the same length that differs from code in every digit.
func wrong(code string) string {
	var out strings.Builder
	for _, digit := range code {
		out.WriteRune('0' + (digit-'0'+1)%10)
	}
	return out.String()
}

func TestScenarios(t *testing.T) {
	raw, err := os.ReadFile("../scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	var file scenarioFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	// an app's plain HTTP call to the Verify API, as the official SDKs make it
	verify := func(t *testing.T, em *verifyemulator.Emulator, path string, form url.Values) (int, map[string]any) {
		request, _ := http.NewRequest(http.MethodPost, em.URL+"/v2/Services/"+file.ServiceSID+"/"+path, strings.NewReader(form.Encode()))
		request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		request.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(file.AccountSID+":"+file.AuthToken)))
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			t.Fatal(err)
		}
		defer response.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(response.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return response.StatusCode, body
	}
	for _, sc := range file.Scenarios {
		sc := sc
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			count := sc.Emulators
			if count == 0 {
				count = 1
			}
			emulators := make([]*verifyemulator.Emulator, count)
			for i := range emulators {
				emulators[i] = verifyemulator.Start(t)
			}
			saved := map[string]string{}
			codeOf := func(text string) string {
				switch {
				case strings.HasPrefix(text, "$"):
					return saved[text[1:]]
				case strings.HasPrefix(text, "!"):
					return wrong(saved[text[1:]])
				}
				return text
			}
			for _, s := range sc.Steps {
				em := emulators[s.Emulator]
				where, _ := json.Marshal(s)
				var err error
				switch s.Op {
				case "send", "check":
					path, form := "Verifications", url.Values{"To": {s.To}, "Channel": {"sms"}}
					wantStatus, want := 201, "pending"
					if s.Op == "check" {
						path, form = "VerificationCheck", url.Values{"To": {s.To}, "Code": {codeOf(s.Code)}}
						wantStatus, want = 200, s.Status
					}
					status, body := verify(t, em, path, form)
					if s.Error != 0 {
						if code, _ := body["code"].(float64); int(code) != s.Error {
							t.Fatalf("%s: got %d %v", where, status, body)
						}
					} else if status != wantStatus || body["status"] != want {
						t.Fatalf("%s: got %d %v", where, status, body)
					}
				case "wait_for_code":
					saved[s.Save], err = em.WaitForCode(ctx, s.To)
				case "expect":
					if saved[s.Saved] != s.Equals {
						t.Fatalf("%s: got %q", where, saved[s.Saved])
					}
				case "messages":
					var found []verifyemulator.Message
					if found, err = em.Messages(ctx, verifyemulator.MessageQuery{To: s.To}); err == nil && len(found) != *s.Count {
						t.Fatalf("%s: got %d messages", where, len(found))
					}
				case "advance_clock":
					_, err = em.AdvanceClock(ctx, s.Seconds)
				case "fixed_code":
					err = em.FixedCode(ctx, s.Code, s.To, "")
				case "clear_fixed_code":
					err = em.ClearFixedCode(ctx, s.To, "")
				case "fault":
					_, err = em.AddFault(ctx, verifyemulator.Fault{Endpoint: s.Endpoint, ErrorCode: s.ErrorCode, Times: s.Times})
				case "clear_faults":
					err = em.ClearFaults(ctx)
				case "reset":
					err = em.Reset(ctx)
				case "snapshot":
					err = em.Snapshot(ctx, s.Name)
				case "restore":
					err = em.Restore(ctx, s.Name)
					if s.Refused != 0 {
						var refusal *verifyemulator.Error
						if !errors.As(err, &refusal) || refusal.Status != s.Refused || !strings.Contains(refusal.Error(), "answered") {
							t.Fatalf("%s: got %v", where, err)
						}
						err = nil
					}
				case "delete_snapshot":
					err = em.DeleteSnapshot(ctx, s.Name)
				default:
					t.Fatalf("unknown op %s", s.Op)
				}
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
			}
		})
	}
}
