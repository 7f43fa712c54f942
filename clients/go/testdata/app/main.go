// An unmodified Go app's call to Twilio Verify with the standard library's client: it names
// https://verify.twilio.com and nothing else; the environment alone sends it to the emulator.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	request, _ := http.NewRequest(http.MethodGet, "https://verify.twilio.com/v2/Services/VA00000000000000000000000000000000", nil)
	request.SetBasicAuth("AC00000000000000000000000000000000", "emulator-auth-token")
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer response.Body.Close()
	var service struct {
		SID string `json:"sid"`
	}
	_ = json.NewDecoder(response.Body).Decode(&service)
	fmt.Println(response.StatusCode, service.SID)
}
