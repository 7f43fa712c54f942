module verify-emulator/clients/go

go 1.19
