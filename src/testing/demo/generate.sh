#!/bin/sh
# How the demo certificates in this directory were made (once; they are committed).
#
# DEMO ONLY. The server key is public, in this repository: anyone can impersonate a
# server with it. Never trust demo-ca.pem anywhere but a test or `mailwire demo`.
#
# The CA key is thrown away after signing, so nothing else can ever be issued under the
# demo CA. Running this again makes a new, different CA: commit all three files together.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

days=36500 # about a hundred years: the demo must not stop working

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/ca.key" -out demo-ca.pem -days "$days" \
    -subj "/O=mailwire DEMO ONLY - NOT TRUSTED/CN=mailwire demo CA (public key, tests only)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/server.key" -out "$work/server.csr" \
    -subj "/O=mailwire DEMO ONLY - NOT TRUSTED/CN=localhost"

cat > "$work/server.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EOF

openssl x509 -req -in "$work/server.csr" -CA demo-ca.pem -CAkey "$work/ca.key" \
    -CAserial "$work/ca.srl" -CAcreateserial -out demo-server.pem -days "$days" -extfile "$work/server.ext"

openssl pkcs8 -topk8 -nocrypt -in "$work/server.key" -out demo-server-key.pem
