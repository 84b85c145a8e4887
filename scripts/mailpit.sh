#!/usr/bin/env bash
# Brings up Mailpit, the SMTP server that catches the development server's
# mail, for `make run`, and prints the shell assignments that point
# `ctap dev` at it:
#   export CTAP_SMTP_URL=smtp://127.0.0.1:1025 CTAP_MAIL_FROM=... CTAP_MAILPIT_URL=http://127.0.0.1:8025
# Mailpit is built once from tools/mailpit (about 2 minutes cold) and left
# running in the background (its messages in .data/mailpit.db), so that
# mail survives a restart of the portal; `make clean` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

smtp=${CTAP_MAILPIT_SMTP:-127.0.0.1:1025}
api=${CTAP_MAILPIT_API:-127.0.0.1:8025}

answers() { curl -fsS -o /dev/null "http://$api/api/v1/messages?limit=1" 2>/dev/null; }

if ! answers; then
  bin=$(tools/mailpit/build.sh)
  mkdir -p .data
  nohup "$bin" --disable-version-check --quiet --database .data/mailpit.db \
    --listen "$api" --smtp "$smtp" --smtp-auth-accept-any --smtp-auth-allow-insecure \
    >.data/mailpit.log 2>&1 &
  echo $! >.data/mailpit.pid
  for _ in $(seq 1 100); do
    answers && break
    sleep 0.1
  done
  if ! answers; then
    echo "mailpit: it did not start on $api; see .data/mailpit.log" >&2
    exit 1
  fi
fi
echo "export CTAP_SMTP_URL=smtp://$smtp CTAP_MAIL_FROM=ctap@localhost CTAP_MAILPIT_URL=http://$api"
