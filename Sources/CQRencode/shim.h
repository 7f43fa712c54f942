// Debian's libqrencode (apt-get install libqrencode-dev): the QR codes of the auth server's
// authenticator-app set-up page.
#include <qrencode.h>
