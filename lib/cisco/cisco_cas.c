/*
 * Cisco's public manufacturing CA certificates, built into the library as
 * the default content of manufacturing-ca.  Copied from the .pem files of
 * data/cisco (see data/cisco/SOURCES.md); tests/unit/test_cluster.c checks that
 * every one matches its file.
 */
#include "config.h"

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

const struct pt_builtin_ca pt_cisco_cas[] = {
	{ "act2-ecc-sudi-ca.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIDFTCCApugAwIBAgIBAjAKBggqhkjOPQQDAzAsMQ4wDAYDVQQKEwVDaXNjbzEa\n"
	    "MBgGA1UEAxMRQ2lzY28gRUNDIFJvb3QgQ0EwJBcNMTMwNDA0MDgyNjEzWhgTMjA1\n"
	    "MzA0MDQwODE1NDMuNzA0WjArMQ4wDAYDVQQKEwVDaXNjbzEZMBcGA1UEAxMQQUNU\n"
	    "MiBFQ0MgU1VESSBDQTB2MBAGByqGSM49AgEGBSuBBAAiA2IABIxh3Pp50jEK+M7g\n"
	    "Ecw8Rxekw4ve3+3hqknQyuZorFaaAT9DcMHJms7Phk4k/lLOdvwSrqOCZWme+HJ5\n"
	    "c8wSJ5D8LbmoNm10gnmFSYXAd7Fblb2IkilRItTiIMfOXbV3cKOCAYowggGGMA4G\n"
	    "A1UdDwEB/wQEAwIBBjASBgNVHRMBAf8ECDAGAQH/AgEAMFwGA1UdIARVMFMwUQYK\n"
	    "KwYBBAEJFQETADBDMEEGCCsGAQUFBwIBFjVodHRwOi8vd3d3LmNpc2NvLmNvbS9z\n"
	    "ZWN1cml0eS9wa2kvcG9saWNpZXMvaW5kZXguaHRtbDAdBgNVHQ4EFgQUloc62ImB\n"
	    "kUEVM7/gNI8gj8K7w5YwQgYDVR0fBDswOTA3oDWgM4YxaHR0cDovL3d3dy5jaXNj\n"
	    "by5jb20vc2VjdXJpdHkvcGtpL2NybC9lY2Nyb290LmNybDB+BggrBgEFBQcBAQRy\n"
	    "MHAwPwYIKwYBBQUHMAKGM2h0dHA6Ly93d3cuY2lzY28uY29tL3NlY3VyaXR5L3Br\n"
	    "aS9jZXJ0cy9lY2Nyb290LmNlcjAtBggrBgEFBQcwAYYhaHR0cHM6Ly9wa2ljdnMu\n"
	    "Y2lzY28uY29tL3BraS9vY3NwMB8GA1UdIwQYMBaAFKRFti+jMbF2FbAKGDPK9q1P\n"
	    "PSgEMAoGCCqGSM49BAMDA2gAMGUCMQDtD7/BBY0CM5KffW1MrHJYZNUcRiI0z55Y\n"
	    "+kEiRKeazDjfJnsr2U4MGd7DtcslHAsCMDzFL8VaI91AqODM+tVuffOyvnpNYR/k\n"
	    "CUyCAI91nrf8NOuEaaLakMmf6LRZoxdchw==\n"
	    "-----END CERTIFICATE-----\n" },
	{ "act2-sudi-ca.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIEPDCCAySgAwIBAgIKYQlufQAAAAAADDANBgkqhkiG9w0BAQUFADA1MRYwFAYD\n"
	    "VQQKEw1DaXNjbyBTeXN0ZW1zMRswGQYDVQQDExJDaXNjbyBSb290IENBIDIwNDgw\n"
	    "HhcNMTEwNjMwMTc1NjU3WhcNMjkwNTE0MjAyNTQyWjAnMQ4wDAYDVQQKEwVDaXNj\n"
	    "bzEVMBMGA1UEAxMMQUNUMiBTVURJIENBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n"
	    "MIIBCgKCAQEA0m5l3THIxA9tN/hS5qR/6UZRpdd+9aE2JbFkNjht6gfHKd477AkS\n"
	    "5XAtUs5oxDYVt/zEbslZq3+LR6qrqKKQVu6JYvH05UYLBqCj38s76NLk53905Wzp\n"
	    "9pRcmRCPuX+a6tHF/qRuOiJ44mdeDYZo3qPCpxzprWJDPclM4iYKHumMQMqmgmg+\n"
	    "xghHIooWS80BOcdiynEbeP5rZ7qRuewKMpl1TiI3WdBNjZjnpfjg66F+P4SaDkGb\n"
	    "BXdGj13oVeF+EyFWLrFjj97fL2+8oauV43Qrvnf3d/GfqXj7ew+z/sXlXtEOjSXJ\n"
	    "URsyMEj53Rdd9tJwHky8neapszS+r+kdVQIDAQABo4IBWjCCAVYwCwYDVR0PBAQD\n"
	    "AgHGMB0GA1UdDgQWBBRI2PHxwnDVW7t8cwmTr7i4MAP4fzAfBgNVHSMEGDAWgBQn\n"
	    "88gVHm6aAgkWrSugiWBf2nsvqjBDBgNVHR8EPDA6MDigNqA0hjJodHRwOi8vd3d3\n"
	    "LmNpc2NvLmNvbS9zZWN1cml0eS9wa2kvY3JsL2NyY2EyMDQ4LmNybDBQBggrBgEF\n"
	    "BQcBAQREMEIwQAYIKwYBBQUHMAKGNGh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3Vy\n"
	    "aXR5L3BraS9jZXJ0cy9jcmNhMjA0OC5jZXIwXAYDVR0gBFUwUzBRBgorBgEEAQkV\n"
	    "AQwAMEMwQQYIKwYBBQUHAgEWNWh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3VyaXR5\n"
	    "L3BraS9wb2xpY2llcy9pbmRleC5odG1sMBIGA1UdEwEB/wQIMAYBAf8CAQAwDQYJ\n"
	    "KoZIhvcNAQEFBQADggEBAGh1qclr9tx4hzWgDERm371yeuEmqcIfi9b9+GbMSJbi\n"
	    "ZHc/CcCl0lJu0a9zTXA9w47H9/t6leduGxb4WeLxcwCiUgvFtCa51Iklt8nNbcKY\n"
	    "/4dw1ex+7amATUQO4QggIE67wVIPu6bgAE3Ja/nRS3xKYSnj8H5TehimBSv6TECi\n"
	    "i5jUhOWryAK4dVo8hCjkjEkzu3ufBTJapnv89g9OE+H3VKM4L+/KdkUO+52djFKn\n"
	    "hyl47d7cZR4DY4LIuFM2P1As8YyjzoNpK/urSRI14WdIlplR1nH7KNDl5618yfVP\n"
	    "0IFJZBGrooCRBjOSwFv8cpWCbmWdPaCQT2nwIjTfY8c=\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-ecc-root-ca.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIBzDCCAVKgAwIBAgIBATAKBggqhkjOPQQDAzAsMQ4wDAYDVQQKEwVDaXNjbzEa\n"
	    "MBgGA1UEAxMRQ2lzY28gRUNDIFJvb3QgQ0EwJBcNMTMwNDA0MDgxNTQ0WhgTMjA1\n"
	    "MzA0MDQwODE1NDQuNzA0WjAsMQ4wDAYDVQQKEwVDaXNjbzEaMBgGA1UEAxMRQ2lz\n"
	    "Y28gRUNDIFJvb3QgQ0EwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAR+wMO82BvG82eR\n"
	    "TdZ4jOa1dTkEfy/+YNCsdyrTbQJBRVRnsFi3Gb/MvUs2XHtbgzjsptdNMCZhs0uL\n"
	    "q14OFSY7TIirAnDJIjcCUHXA1dRINMe/WFP+rsuPcyD1BlsSh8qjQjBAMA4GA1Ud\n"
	    "DwEB/wQEAwIBBjAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBSkRbYvozGxdhWw\n"
	    "ChgzyvatTz0oBDAKBggqhkjOPQQDAwNoADBlAjBjQV1EkwWv8BoBdCqlZWGX3uc7\n"
	    "SWDYFm3QXSyzDj9gWoN27S2akLlf6EWzBFCYGb8CMQDZqDfu14x4lefS/hbxP2PX\n"
	    "EBiqvFYLAZYLy8hCn59xkByPRZdVhNgGJIWlt4XdwwM=\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-manufacturing-ca-sha2.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIEZTCCA02gAwIBAgIBAjANBgkqhkiG9w0BAQsFADArMQ4wDAYDVQQKEwVDaXNj\n"
	    "bzEZMBcGA1UEAxMQQ2lzY28gUm9vdCBDQSBNMjAeFw0xMjExMTIxMzUwNThaFw0z\n"
	    "NzExMTIxMzAwMTdaMDYxDjAMBgNVBAoTBUNpc2NvMSQwIgYDVQQDExtDaXNjbyBN\n"
	    "YW51ZmFjdHVyaW5nIENBIFNIQTIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n"
	    "AoIBAQD0NktCAjJn3kk98hU7wUVp6QlOFrlItEce6CpbfYpeLdUeZduAo+S0otzT\n"
	    "lJwS2BlMhZtacu9vUpfmW9w7nQo9zVT3eyPuhF/6/9TEdVBn75zb5CfV+E6ld+fH\n"
	    "nuPiFyBu+HDDJRd373Op+957IdoWyPvD8hHR1HJGFJ3JJKBg0UScL4JCwleu98Xq\n"
	    "/yPlAqBhExa7a2/fqSmZA0vZIG1bBfWZY8ZtSeTxKg3eWynV+xElabHqTDMYWf+2\n"
	    "obs4YB5lINTbYgHyRETP6T8Xr6TtD0h3654OUHcW+1meBu/jctluMKppeSjVtrof\n"
	    "5vt+pbkCg0iQAAjsL0qczT3yaNXvAgMBAAGjggGHMIIBgzAOBgNVHQ8BAf8EBAMC\n"
	    "AQYwEgYDVR0TAQH/BAgwBgEB/wIBADBcBgNVHSAEVTBTMFEGCisGAQQBCRUBEgAw\n"
	    "QzBBBggrBgEFBQcCARY1aHR0cDovL3d3dy5jaXNjby5jb20vc2VjdXJpdHkvcGtp\n"
	    "L3BvbGljaWVzL2luZGV4Lmh0bWwwHQYDVR0OBBYEFHrXeZXKu0gruFUU/aPAD7yn\n"
	    "D5YZMEEGA1UdHwQ6MDgwNqA0oDKGMGh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3Vy\n"
	    "aXR5L3BraS9jcmwvY3JjYW0yLmNybDB8BggrBgEFBQcBAQRwMG4wPgYIKwYBBQUH\n"
	    "MAKGMmh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3VyaXR5L3BraS9jZXJ0cy9jcmNh\n"
	    "bTIuY2VyMCwGCCsGAQUFBzABhiBodHRwczovL3Rvb2xzLmNpc2NvLmNvbS9wa2kv\n"
	    "b2NzcDAfBgNVHSMEGDAWgBTJAPkfih/CZr2l0m1lDiIuNMMFoDANBgkqhkiG9w0B\n"
	    "AQsFAAOCAQEAc1k2rH6YT4juFxs9q7ObzfcKbNvOyDsaU7av4IHFXmn/JxfnBmUv\n"
	    "YxAI2Hx3xRb0KtG1JGkffQjVAtBboTXynLaQso/jj46ZOubIF8y6Ho3nTAv7Q6VH\n"
	    "kqSCdZClVu91zbHV9FFYQzJxjw1QgB0a4ItS4yhdmgl3oDNEcb3trQezrQ3/857/\n"
	    "ISqBGVLEbKHOu8H6zOLhxAgZ08ae1oQQQJowki0Ibd+LRLGovtEwLg8yyqiTIGve\n"
	    "7VFL2sRa8Z3rK9tlwKVH2kpFKNAeN3rfKFqr0/weR0cyKpmLMrSBTBZcxQcJCYF4\n"
	    "X6FO/32KOqcxJFIOKGVIUjvAvioOqoducw==\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-manufacturing-ca.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIE2TCCA8GgAwIBAgIKamlnswAAAAAAAzANBgkqhkiG9w0BAQUFADA1MRYwFAYD\n"
	    "VQQKEw1DaXNjbyBTeXN0ZW1zMRswGQYDVQQDExJDaXNjbyBSb290IENBIDIwNDgw\n"
	    "HhcNMDUwNjEwMjIxNjAxWhcNMjkwNTE0MjAyNTQyWjA5MRYwFAYDVQQKEw1DaXNj\n"
	    "byBTeXN0ZW1zMR8wHQYDVQQDExZDaXNjbyBNYW51ZmFjdHVyaW5nIENBMIIBIDAN\n"
	    "BgkqhkiG9w0BAQEFAAOCAQ0AMIIBCAKCAQEAoMX33JaUNRXx9JlOu5tB4X3beRaR\n"
	    "u/NU8kFKlDJiYskj95rnu5t56AcpTjD1rhvFIVZGsPj05o6BuBbMqJuF0kKB23zL\n"
	    "lKkRYRIcXOozIByaFqd925kGauI2r+z4Cv+YZwf0MO6l+IgaqujHPBzO7kj9zVw3\n"
	    "8YaTnj1xdX007ksUqcApewUQ74eeaTEw9Ug2P9irzhXi6FifPmJxBIcmpBViASWq\n"
	    "1d/JyVu4yaEHe75okpOTIKhsvRV100RdRUvsqNpgx9jI1cjtQeH1X1eOUzKTSdXZ\n"
	    "D/g2qgfEMkHFp68dGf/2c5k5WnNnYhM0DR9elXBSZBcG7FNcXNtq6jUAQQIBA6OC\n"
	    "AecwggHjMBIGA1UdEwEB/wQIMAYBAf8CAQAwHQYDVR0OBBYEFNDFIiarT0Zg7K4F\n"
	    "kcfcWtGwR/dsMAsGA1UdDwQEAwIBhjAQBgkrBgEEAYI3FQEEAwIBADAZBgkrBgEE\n"
	    "AYI3FAIEDB4KAFMAdQBiAEMAQTAfBgNVHSMEGDAWgBQn88gVHm6aAgkWrSugiWBf\n"
	    "2nsvqjBDBgNVHR8EPDA6MDigNqA0hjJodHRwOi8vd3d3LmNpc2NvLmNvbS9zZWN1\n"
	    "cml0eS9wa2kvY3JsL2NyY2EyMDQ4LmNybDBQBggrBgEFBQcBAQREMEIwQAYIKwYB\n"
	    "BQUHMAKGNGh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3VyaXR5L3BraS9jZXJ0cy9j\n"
	    "cmNhMjA0OC5jZXIwXAYDVR0gBFUwUzBRBgorBgEEAQkVAQIAMEMwQQYIKwYBBQUH\n"
	    "AgEWNWh0dHA6Ly93d3cuY2lzY28uY29tL3NlY3VyaXR5L3BraS9wb2xpY2llcy9p\n"
	    "bmRleC5odG1sMF4GA1UdJQRXMFUGCCsGAQUFBwMBBggrBgEFBQcDAgYIKwYBBQUH\n"
	    "AwUGCCsGAQUFBwMGBggrBgEFBQcDBwYKKwYBBAGCNwoDAQYKKwYBBAGCNxQCAQYJ\n"
	    "KwYBBAGCNxUGMA0GCSqGSIb3DQEBBQUAA4IBAQAw8zAtjPLKN0pkmSQpCvKGqkLV\n"
	    "I+ii6itvaSN6go4cTAnPpE+rhC836WVg0ZrG2PML9d7QJwBcbx2RvdFOWFEdyeP3\n"
	    "OOfTC9Fovo4ipUsG4eakqjN9GnW6JvNwxmEApcN5JlunGdGTjaubEBEpH6GC/f08\n"
	    "S25l3JNFBemvM2tnIwcGhiLa69yHz1khQhrpz3B1iOAkPV19TpY4gJfVb/Cbcdi6\n"
	    "YBmlsGGGrd1lZva5J6LuL2GbuqEwYf2+rDUU+bgtlwavw+9tzD0865XpgdOKXrbO\n"
	    "+nmka9eiV2TEP0zJ2+iC7AFm1BCIolblPFft6QKoSJFjB6thJksaE5/k3Npf\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-root-ca-2048.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIDQzCCAiugAwIBAgIQX/h7KCtU3I1CoxW1aMmt/zANBgkqhkiG9w0BAQUFADA1\n"
	    "MRYwFAYDVQQKEw1DaXNjbyBTeXN0ZW1zMRswGQYDVQQDExJDaXNjbyBSb290IENB\n"
	    "IDIwNDgwHhcNMDQwNTE0MjAxNzEyWhcNMjkwNTE0MjAyNTQyWjA1MRYwFAYDVQQK\n"
	    "Ew1DaXNjbyBTeXN0ZW1zMRswGQYDVQQDExJDaXNjbyBSb290IENBIDIwNDgwggEg\n"
	    "MA0GCSqGSIb3DQEBAQUAA4IBDQAwggEIAoIBAQCwmrmrp68Kd6ficba0ZmKUeIhH\n"
	    "xmJVhEAyv8CrLqUccda8bnuoqrpu0hWISEWdovyD0My5jOAmaHBKeN8hF570YQXJ\n"
	    "FcjPFto1YYmUQ6iEqDGYeJu5Tm8sUxJszR2tKyS7McQr/4NEb7Y9JHcJ6r8qqB9q\n"
	    "VvYgDxFUl4F1pyXOWWqCZe+36ufijXWLbvLdT6ZeYpzPEApk0E5tzivMW/VgpSdH\n"
	    "jWn0f84bcN5wGyDWbs2mAag8EtKpP6BrXruOIIt6keO1aO6g58QBdKhTCytKmg9l\n"
	    "Eg6CTY5j/e/rmxrbU6YTYK/CfdfHbBcl1HP7R2RQgYCUTOG/rksc35LtLgXfAgED\n"
	    "o1EwTzALBgNVHQ8EBAMCAYYwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUJ/PI\n"
	    "FR5umgIJFq0roIlgX9p7L6owEAYJKwYBBAGCNxUBBAMCAQAwDQYJKoZIhvcNAQEF\n"
	    "BQADggEBAJ2dhISjQal8dwy3U8pORFBi71R803UXHOjgxkhLtv5MOhmBVrBW7hmW\n"
	    "Yqpao2TB9k5UM8Z3/sUcuuVdJcr18JOagxEu5sv4dEX+5wW4q+ffy0vhN4TauYuX\n"
	    "cB7w4ovXsNgOnbFp1iqRe6lJT37mjpXYgyc81WhJDtSd9i7rp77rMKSsH0T8lasz\n"
	    "Bvt9YAretIpjsJyp8qS5UwGH0GikJ3+r/+n6yUA4iGe0OcaEb1fJU9u6ju7AQ7L4\n"
	    "CYNu/2bPPu8Xs1gYJQk0XuPL1hS27PKSb3TkL4Eq1ZKR4OCXPDJoBYVL0fdX4lId\n"
	    "kxpUnwVwwEpxYB5DC2Ae/qPOgRnhCzU=\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-root-ca-m1.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIDLzCCAhegAwIBAgIQLtIOc0fTM4NLT90N17aWfjANBgkqhkiG9w0BAQUFADAr\n"
	    "MQ4wDAYDVQQKEwVDaXNjbzEZMBcGA1UEAxMQQ2lzY28gUm9vdCBDQSBNMTAeFw0w\n"
	    "ODExMTgyMTUwMjRaFw0zMzExMTgyMTU5NDZaMCsxDjAMBgNVBAoTBUNpc2NvMRkw\n"
	    "FwYDVQQDExBDaXNjbyBSb290IENBIE0xMIIBIDANBgkqhkiG9w0BAQEFAAOCAQ0A\n"
	    "MIIBCAKCAQEAmkHcGd1JapBbD5HUaP1uWJRecjN1sKi6R+aqLf/Ksu0msyMPf6so\n"
	    "mnNI6LAyRUiE06Pmfq0QhZHPv8rVjKJzCbYTEW6FwYpz2XfjW2zDoaGyOcX1FBfe\n"
	    "d8Ijrd+dGwcGtx7x7kr9fLNQUBfsDmr+Q7sx5tWX1IqXVwnzh1tx/YRNKtaZaX0D\n"
	    "dy4qHPhb5FX1r4YMfADu4Igw3RjS8KCQ2FwAY9/PsrPbyQnhKsh8Pbw1ewnpcJ6E\n"
	    "p1BVYIQyCWOVdjVLbW4Sjpds0uggxs4UU/VQjGmgrag1PIKFWocWoIGTzaTHkiNw\n"
	    "L0VYiD3iBguBU5ABhsPklUrj6xk0Hau8DwIBA6NRME8wCwYDVR0PBAQDAgGGMA8G\n"
	    "A1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFKYDHX/KvbKRQMbLgjYfa5iP3bwpMBAG\n"
	    "CSsGAQQBgjcVAQQDAgEAMA0GCSqGSIb3DQEBBQUAA4IBAQB+bX5hHtoBnp84Yb3n\n"
	    "X4LpXH+84R1sUKB3W+inWD0xd59fmzwMsySsxzzrwMbhnvbS7C17H9aT2U9dUdPU\n"
	    "T56pg+eX9s4XEaGL1FedlHk6G3FL9dvmwKHuW3uTmZTizjPPy3hElpUQVcNGesi1\n"
	    "uI001tPCVVBUo7tlyfhQk6ztuk3wuoHvH/gDPVZxKbWESHDxCCkZxDnLQdHpJ0W1\n"
	    "4SVrT/7NmFcd8w/RyqTRIxuUy2UQNEeaioEFQ5g+bZh3oI3V7Y1d/I3HLQVoBWkv\n"
	    "bykggZS7q4YJyt5vOAqrI0kFgqPrzI6dRqVL5mAP1gAwXrOOvtdErDLH6EHnRu41\n"
	    "vdR2\n"
	    "-----END CERTIFICATE-----\n" },
	{ "cisco-root-ca-m2.pem",
	    "-----BEGIN CERTIFICATE-----\n"
	    "MIIDEzCCAfugAwIBAgIBATANBgkqhkiG9w0BAQsFADArMQ4wDAYDVQQKEwVDaXNj\n"
	    "bzEZMBcGA1UEAxMQQ2lzY28gUm9vdCBDQSBNMjAeFw0xMjExMTIxMzAwMThaFw0z\n"
	    "NzExMTIxMzAwMThaMCsxDjAMBgNVBAoTBUNpc2NvMRkwFwYDVQQDExBDaXNjbyBS\n"
	    "b290IENBIE0yMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2AYlIRNP\n"
	    "jTp1fOk9yHRBO02gZfnCv5SE72sLcYfUWMJgMiy6zLq7YzTbsxJCanmFhrPof8mS\n"
	    "i+OnN0XTlINoZSDbitRDQd/KTNTXEM1oJ5VyTnRKVPXacemlr00MsWwx+wzec4Ka\n"
	    "UAleDuM1vrpOwsrgbsiELYqz7pLsBILkx25NGLXpZMtkhtLwuOFZFjqmJkgF7mMp\n"
	    "HhWD7x55wYIAKdRWjwptwshYOS1juHGAOuHc67MTUiIFUUcAiIdt7dE817jahXkk\n"
	    "xipdHfKDTYEfp83UGY6raUDm+wcK8o5lPm3lPcEy7gYmLey7HrFFYlEr8FkXMXIa\n"
	    "zAB0wwy7hMpzrQIDAQABo0IwQDAOBgNVHQ8BAf8EBAMCAQYwDwYDVR0TAQH/BAUw\n"
	    "AwEB/zAdBgNVHQ4EFgQUyQD5H4ofwma9pdJtZQ4iLjTDBaAwDQYJKoZIhvcNAQEL\n"
	    "BQADggEBAHq+PI0n6M3kkhymizBuwdnWiRrDwJl19061gsiVIlm3oKhQjlkZC28W\n"
	    "2Q/yGSdNUE3e9G0M5nRcdPFEf4KSvFxe47N+JaOLuRA8a11dPmk73Khb7afCuujC\n"
	    "92jLKItwcpHPLD+6dVlzM1IZgpTtcJ7SZxR2MRsmpqn5fnsZtuKnUqLUU+pvhngz\n"
	    "B8Hefd8V0D1soiW8xzLwSXtt8jBmm9kUXbYPpWxbkmuGtBMEh2P1fWmuImJsdnKS\n"
	    "mvMFXmYz5Zcg4A15NG8xHVhezeAlwcOl3RDczn6V9ttEp13GcZLPoYH68I3pptmS\n"
	    "w+Twrdtsr+6t2osJSvvaKp6YFlAHf4c=\n"
	    "-----END CERTIFICATE-----\n" },
};
const size_t pt_cisco_ca_count = sizeof(pt_cisco_cas) / sizeof(pt_cisco_cas[0]);

/*
 * X509_NAME_hash_ex of each one's subject, in the order above
 * (openssl x509 -subject_hash): only a hint, the names are compared too.
 */
static const unsigned long cisco_subject_hash[] = {
	0xda1c8080, 0xa094437b, 0x55ce4282, 0x417aa245,
	0x90359431, 0x89087fe6, 0x720219c0, 0x36087b08,
};
/* a CA added above without its hash would escape the look-alike check */
_Static_assert(sizeof(cisco_subject_hash) / sizeof(cisco_subject_hash[0]) ==
    sizeof(pt_cisco_cas) / sizeof(pt_cisco_cas[0]),
    "one subject hash per built-in Cisco CA");

/* Same algorithm and key bits: compared as encoded, nothing allocated. */
static int
same_key(X509 *a, X509 *b)
{
	const ASN1_BIT_STRING *ka = X509_get0_pubkey_bitstr(a);
	const ASN1_BIT_STRING *kb = X509_get0_pubkey_bitstr(b);
	ASN1_OBJECT *oa, *ob;

	if (ka == NULL || kb == NULL || ASN1_STRING_cmp(ka, kb) != 0 ||
	    !X509_PUBKEY_get0_param(&oa, NULL, NULL, NULL,
	    X509_get_X509_PUBKEY(a)) ||
	    !X509_PUBKEY_get0_param(&ob, NULL, NULL, NULL,
	    X509_get_X509_PUBKEY(b)))
		return 0;
	return OBJ_cmp(oa, ob) == 0;
}

/*
 * Whether x passes for one of Cisco's CAs without being it: the subject
 * of a built-in CA (one certificate per subject, so it would replace it)
 * with another key.  The same key under that subject is Cisco's own.
 */
int
pt_cisco_lookalike(X509 *x, unsigned long subject_hash, const char *sha256)
{
	BIO *bio;
	X509 *ca;
	size_t i;
	int r = 0;

	/* Cisco's own certificate, the usual case: nothing to parse */
	if (pt_is_cisco_fingerprint(sha256))
		return 0;
	for (i = 0; i < pt_cisco_ca_count && i < sizeof(cisco_subject_hash) /
	    sizeof(cisco_subject_hash[0]) && r == 0; i++) {
		if (cisco_subject_hash[i] != subject_hash)
			continue;
		if ((bio = BIO_new_mem_buf(pt_cisco_cas[i].pem, -1)) == NULL)
			return -1;
		ca = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (ca == NULL)
			return -1;
		if (X509_NAME_cmp(X509_get_subject_name(ca),
		    X509_get_subject_name(x)) == 0)
			r = same_key(ca, x) ? 0 : 1;
		X509_free(ca);
	}
	return r;
}
