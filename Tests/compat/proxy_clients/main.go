// A Go app calling Twilio Verify with the standard library only and no emulator setting in its
// code, through an http.Client built as twilio-go's defaultHTTPClient builds its own (no
// Transport: Go's default one, which reads HTTPS_PROXY; crypto/x509 reads SSL_CERT_FILE).
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	account, token, service := os.Args[1], os.Args[2], os.Args[3]
	request, err := http.NewRequest("GET", "https://verify.twilio.com/v2/Services/"+service, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	request.SetBasicAuth(account, token)
	client := &http.Client{
		CheckRedirect: func(req *http.Request, via []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
	response, err := client.Do(request)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	fmt.Println(response.StatusCode, string(body))
}
