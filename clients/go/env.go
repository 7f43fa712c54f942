package verifyemulator

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// CAPEM is the emulator's local CA certificate (PEM), which may sign only twilio.com names.
func (em *Emulator) CAPEM(ctx context.Context) (string, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, em.URL+"/emulator/v1/ca.pem", nil)
	if err != nil {
		return "", failf("GET /emulator/v1/ca.pem: %v", err)
	}
	response, err := em.client.Do(request)
	if err != nil {
		return "", failf("cannot reach the emulator at %s: %v", em.URL, err)
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return "", failf("GET /emulator/v1/ca.pem: %v", err)
	}
	if response.StatusCode != http.StatusOK {
		return "", &Error{Message: "GET /emulator/v1/ca.pem answered " + response.Status + ": " + string(body),
			Status: response.StatusCode, Body: string(body)}
	}
	return string(body), nil
}

func systemRoots() string {
	for _, path := range []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem", "/etc/pki/tls/certs/ca-bundle.crt"} {
		data, err := os.ReadFile(path)
		text := string(data)
		if err == nil && strings.Contains(text, "BEGIN CERTIFICATE") && !strings.Contains(text, "verify-emulator local CA") {
			return text
		}
	}
	return ""
}

// Env is the environment that sends an unmodified app's calls to https://verify.twilio.com to
// this emulator: its port as the HTTPS proxy (NO_PROXY keeps loopback direct) and a CA bundle
// (the system's roots plus the emulator's CA) for SSL_CERT_FILE (Go's crypto/x509 reads it) and
// friends, NODE_EXTRA_CA_CERTS for Node. The PEM files go to folder (a new temporary one when
// empty). Give it to the app's process: cmd.Env = append(os.Environ(), entries...).
func (em *Emulator) Env(ctx context.Context, folder string) (map[string]string, error) {
	if folder == "" {
		var err error
		if folder, err = os.MkdirTemp("", "verify-emulator-ca-"); err != nil {
			return nil, failf("cannot make a folder for the CA: %v", err)
		}
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, failf("cannot make %s: %v", folder, err)
	}
	ca, err := em.CAPEM(ctx)
	if err != nil {
		return nil, err
	}
	roots := systemRoots()
	if roots != "" && !strings.HasSuffix(roots, "\n") {
		roots += "\n"
	}
	caPath, bundle := filepath.Join(folder, "ca.pem"), filepath.Join(folder, "ca-bundle.pem")
	if err := os.WriteFile(caPath, []byte(ca), 0o644); err != nil {
		return nil, failf("cannot write %s: %v", caPath, err)
	}
	if err := os.WriteFile(bundle, []byte(roots+"# verify-emulator local CA\n"+ca), 0o644); err != nil {
		return nil, failf("cannot write %s: %v", bundle, err)
	}
	noProxy := "localhost,127.0.0.1,::1"
	return map[string]string{
		"HTTPS_PROXY": em.URL, "https_proxy": em.URL, "HTTP_PROXY": em.URL, "http_proxy": em.URL,
		"NO_PROXY": noProxy, "no_proxy": noProxy,
		"SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "CURL_CA_BUNDLE": bundle,
		"NODE_EXTRA_CA_CERTS": caPath,
	}, nil
}
