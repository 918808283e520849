# Shared helpers for the credential-fixture generators in this folder. Sourced, not run.
#
# ensure_moto: if MOTO_ENDPOINT is not set, starts a throw-away moto_server on 127.0.0.1 (a free
# port, or MOTO_PORT), seeds moto's random generator with MOTO_SEED (default 118), exports
# MOTO_ENDPOINT, and kills the server when the calling script exits. If MOTO_ENDPOINT is set (the
# script was started by make-all.sh), the caller's server is used as it is.
#
# Nothing here talks to real AWS: the credentials are moto's fake "testing" ones, every call carries
# --endpoint-url, and any AWS configuration of this machine is switched off.

CRED_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CRED_REPO="$(cd "$CRED_HERE/../../.." && pwd)"
ACCOUNT=123456789012           # moto's default account
REGION=us-east-1
AMI=ami-760aaa0f               # amzn-ami-hvm-2017.09.1 in moto's built-in AMI list
TYPE=t3.micro

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
need() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"; done; }

export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION="$REGION"
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
      AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS AWS_CA_BUNDLE

_MOTO_PID=""
_MOTO_LOG=""
_moto_cleanup() {
  if [[ -n "$_MOTO_PID" ]]; then
    kill "$_MOTO_PID" 2>/dev/null || true
    wait "$_MOTO_PID" 2>/dev/null || true
    _MOTO_PID=""
  fi
  [[ -n "$_MOTO_LOG" ]] && rm -f "$_MOTO_LOG"
  return 0
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ensure_moto() {
  if [[ -n "${MOTO_ENDPOINT:-}" ]]; then
    case "$MOTO_ENDPOINT" in
      http://127.0.0.1:*|http://localhost:*) ;;
      *) die "MOTO_ENDPOINT must be a loopback address, got $MOTO_ENDPOINT" ;;
    esac
    curl -fsS -o /dev/null "$MOTO_ENDPOINT/moto-api/" || die "no moto_server at $MOTO_ENDPOINT"
    return 0
  fi
  need moto_server curl python3
  local port="${MOTO_PORT:-$(free_port)}"
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
    die "something already listens on 127.0.0.1:${port}; set MOTO_PORT to a free port"
  fi
  _MOTO_LOG="$(mktemp)"
  trap _moto_cleanup EXIT
  trap 'exit 130' INT TERM
  moto_server -H 127.0.0.1 -p "$port" >"$_MOTO_LOG" 2>&1 &
  _MOTO_PID=$!
  MOTO_ENDPOINT="http://127.0.0.1:${port}"
  local _i
  for _i in $(seq 1 100); do
    curl -fsS -o /dev/null "$MOTO_ENDPOINT/moto-api/" 2>/dev/null && break
    kill -0 "$_MOTO_PID" 2>/dev/null || { cat "$_MOTO_LOG" >&2; die "moto_server exited"; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "$MOTO_ENDPOINT/moto-api/" || die "moto_server did not come up on $MOTO_ENDPOINT"
  curl -fsS -o /dev/null -X POST "$MOTO_ENDPOINT/moto-api/seed?a=${MOTO_SEED:-118}" || die "could not seed moto"
  export MOTO_ENDPOINT
  echo "moto_server on $MOTO_ENDPOINT (pid $_MOTO_PID, seed ${MOTO_SEED:-118})"
}

awsj() { aws --endpoint-url "$MOTO_ENDPOINT" --region "$REGION" --output json "$@"; }
awst() { aws --endpoint-url "$MOTO_ENDPOINT" --region "$REGION" --output text "$@"; }

# save FILE aws-args... : runs the CLI and keeps its stdout exactly as printed.
save() {
  local out="$1"; shift
  mkdir -p "$(dirname "$out")"
  awsj "$@" >"$out.tmp" || { rm -f "$out.tmp"; die "failed: aws $*"; }
  mv "$out.tmp" "$out"
  echo "  wrote ${out#"$CRED_REPO/"}"
}
