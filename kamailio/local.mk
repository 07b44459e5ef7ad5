# phonetrust.so, the Kamailio 5.6 module (configure --with-kamailio=DIR,
# DIR made by kamailio/fetch-headers.sh), its examples, man page, tests
# and latency bench.  Included at the end of Makefile.am.

if KAMAILIO
kamailiomoddir = $(kamailio_moduledir)
kamailiomod_LTLIBRARIES = kamailio/phonetrust.la
kamailio_phonetrust_la_SOURCES = kamailio/phonetrust_mod.c
# Kamailio's headers come -isystem, its core's defines -include
# (KAMAILIO_CPPFLAGS): their warnings are not ours.
kamailio_phonetrust_la_CPPFLAGS = $(AM_CPPFLAGS) $(KAMAILIO_CPPFLAGS)
kamailio_phonetrust_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	$(LINK_LIBPHONETRUST)
kamailio_phonetrust_la_LIBADD = $(SSL_LIBS) $(CRYPTO_LIBS)
EXTRA_kamailio_phonetrust_la_DEPENDENCIES = libphonetrust.la

# A real Kamailio on 127.0.0.1 with the example configuration, our test
# phone (tests/e2e/sip-phone.py) over TLS 1.2 and 1.3.
TESTS += tests/e2e/kamailio.test
endif
EXTRA_DIST += kamailio/phonetrust_mod.c kamailio/fetch-headers.sh \
	kamailio/local.mk tests/e2e/kamailio.test tests/e2e/kamailio.sh \
	tests/e2e/sip-phone.py bench/kamailio-latency.sh

# The configuration, installed for administrators to copy
# ($(pkgdatadir)/examples/kamailio; phonetrust-kamailio(7)).
nobase_dist_pkgdata_DATA += examples/kamailio/kamailio.cfg \
	examples/kamailio/tls.cfg examples/kamailio/tls-ca-list.cfg
dist_man_MANS += man/phonetrust-kamailio.7

AM_TESTS_ENVIRONMENT += \
	KAMAILIO='$(KAMAILIO_BIN)'; KAMCMD='$(KAMCMD)'; PYTHON3='$(PYTHON3)'; \
	export KAMAILIO KAMCMD PYTHON3;
