import Hummingbird
import NIOCore
import VerifyWire

/// `GET /emulator/v1/ca.pem`: the local CA's certificate, for a container or a machine that
/// cannot read the emulator's data folder.
///
/// ```sh
/// curl -o verify-emulator-ca.pem localhost:4010/emulator/v1/ca.pem
/// ```
struct CertificateAuthorityAPI: Sendable {
    let certificates: TwilioCertificates

    func addRoutes(to router: Router<EmulatorRequestContext>) {
        router.get("/emulator/v1/ca.pem") { _, _ in
            let pem: String
            do {
                pem = try certificates.authority().certificatePEM
            } catch {
                // a CA file broken since start-up: say which and how to renew it
                throw TwilioError(code: 20500, status: 500, message: "The local CA cannot be read", hint: "\(error)")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/x-pem-file",
                    .contentDisposition: "attachment; filename=\"verify-emulator-ca.pem\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }
}

extension CertificateAuthorityAPI {
    static let openAPI = #"""
        {
          "paths": {
            "/emulator/v1/ca.pem": {
              "get": {
                "operationId": "getCertificateAuthority", "tags": ["proxy"],
                "summary": "The local CA's certificate (PEM), which signs the emulator's certificates for twilio.com and its subdomains only",
                "responses": {
                  "200": {"description": "The CA certificate", "content": {"application/x-pem-file": {"schema": {"type": "string"}}}}
                }
              }
            }
          }
        }
        """#
}
