// Create+check cycles against verify-emulator, directly or through its HTTPS proxy, with
// keep-alive: `go run bench/proxy_load.go -mode direct|proxy ...`. Prints cycles/s. With
// -handshakes N it instead opens N fresh tunnels (CONNECT and TLS) one after another and
// prints the mean time per tunnel in milliseconds.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	mode := flag.String("mode", "direct", "direct or proxy")
	emulator := flag.String("emulator", "http://127.0.0.1:4010", "the emulator's URL (also the proxy)")
	caFile := flag.String("ca", "", "the emulator's CA (proxy mode)")
	service := flag.String("service", "VA00000000000000000000000000000000", "service SID")
	workers := flag.Int("c", 16, "concurrent clients")
	seconds := flag.Float64("d", 5, "seconds")
	handshakes := flag.Int("handshakes", 0, "measure this many fresh tunnels instead")
	flag.Parse()

	transport := &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers}
	base := *emulator
	if *mode == "proxy" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			panic(err)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		proxy, _ := url.Parse(*emulator)
		transport.Proxy = http.ProxyURL(proxy)
		transport.TLSClientConfig = &tls.Config{RootCAs: roots}
		base = "https://verify.twilio.com"
	}
	if *handshakes > 0 {
		transport.DisableKeepAlives = true
		client := &http.Client{Transport: transport}
		start := time.Now()
		for i := 0; i < *handshakes; i++ {
			request, _ := http.NewRequest("GET", base+"/healthz", nil)
			response, err := client.Do(request)
			if err != nil {
				panic(err)
			}
			io.Copy(io.Discard, response.Body)
			response.Body.Close()
		}
		fmt.Printf("%.2f\n", float64(time.Since(start).Microseconds())/1000/float64(*handshakes))
		return
	}
	client := &http.Client{Transport: transport}
	post := func(path string, form url.Values) {
		request, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		request.SetBasicAuth("AC00000000000000000000000000000000", "emulator-auth-token")
		response, err := client.Do(request)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, response.Body)
		response.Body.Close()
		if response.StatusCode >= 300 {
			panic(fmt.Sprintf("%s: %d", path, response.StatusCode))
		}
	}
	var cycles int64
	var counter int64
	deadline := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	var group sync.WaitGroup
	for w := 0; w < *workers; w++ {
		group.Add(1)
		go func() {
			defer group.Done()
			for time.Now().Before(deadline) {
				to := fmt.Sprintf("+1555%07d", atomic.AddInt64(&counter, 1)%10000000)
				post("/v2/Services/"+*service+"/Verifications", url.Values{"To": {to}, "Channel": {"sms"}, "CustomCode": {"123456"}})
				post("/v2/Services/"+*service+"/VerificationCheck", url.Values{"To": {to}, "Code": {"123456"}})
				atomic.AddInt64(&cycles, 1)
			}
		}()
	}
	group.Wait()
	fmt.Printf("%.0f\n", float64(cycles)/(*seconds))
}
