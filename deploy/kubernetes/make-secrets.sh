#!/usr/bin/env bash
# Kubernetes Secrets from a `warp auth` directory (least privilege, ADR 0022), printed as YAML:
#
#   warp auth init --dir ~/warp-auth
#   deploy/kubernetes/make-secrets.sh ~/warp-auth | kubectl apply -f -
#       Secret nats-auth: operator.jwt and accounts.conf (the system account and the accounts'
#         JWTs that nats-server.conf preloads), which the NATS pods' configuration includes;
#       Secret warp-hub: hub.creds and hub-listen.creds, the hubs' credentials.
#   warp auth add-agent --dir ~/warp-auth --project webshop --name builder
#   deploy/kubernetes/make-secrets.sh ~/warp-auth webshop builder | kubectl apply -f -
#       Secret warp-agent-webshop-builder: agent.creds, for an agent or worker run in the cluster
#         (an agent elsewhere just gets its .creds file).
#
# Nothing else leaves the directory: the keys (keys/*.nk) and sys.creds (for `warp auth revoke`)
# stay with you. After `warp auth revoke`, run the first form again so that a restarted server
# preloads the account with the revocation. NAMESPACE (default warp) sets the Secrets' namespace.
# Pipe the output to kubeseal or your secret store instead of kubectl if you keep manifests in git.
set -euo pipefail

usage() {
  echo "usage: $0 AUTH_DIR [PROJECT HANDLE]" >&2
  exit 64
}
[ $# -eq 1 ] || [ $# -eq 3 ] || usage
dir=$1
namespace=${NAMESPACE:-warp}

need() {
  [ -r "$1" ] || {
    echo "$0: cannot read $1: $2" >&2
    exit 1
  }
}

# One data entry: the file's bytes, base64 on one line (GNU and BSD base64 alike).
entry() {
  printf '  %s: %s\n' "$1" "$(base64 <"$2" | tr -d '\n')"
}

secret() {
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n' "$1" "$namespace"
  printf '  labels:\n    app.kubernetes.io/part-of: warp\ntype: Opaque\ndata:\n'
}

if [ $# -eq 3 ]; then
  creds="$dir/agents/$2/$3.creds"
  need "$creds" "run: warp auth add-agent --dir $dir --project $2 --name $3"
  secret "warp-agent-$2-$3"
  entry agent.creds "$creds"
  exit 0
fi

conf="$dir/nats-server.conf"
need "$conf" "run: warp auth init --dir $dir"
need "$dir/operator.jwt" "run: warp auth init --dir $dir"
need "$dir/hub.creds" "run: warp auth init --dir $dir"
need "$dir/hub-listen.creds" "run: warp auth listen-creds --dir $dir"

# The lines of nats-server.conf that name the accounts; its paths (operator, resolver dir) are
# this machine's, so the pods' configuration (nats-config.yaml) names their own.
accounts=$(mktemp)
trap 'rm -f "$accounts"' EXIT
{
  echo "# From warp auth init's nats-server.conf, by make-secrets.sh: the system account and the accounts' JWTs."
  awk '/^system_account:/ { print } /^resolver_preload:/ { inside = 1 } inside { print } inside && /^}/ { inside = 0 }' "$conf"
} >"$accounts"
if ! grep -q '^system_account:' "$accounts" || ! grep -q '^resolver_preload:' "$accounts"; then
  echo "$0: $conf has no system_account or resolver_preload: is it warp auth init's?" >&2
  exit 1
fi

secret nats-auth
entry operator.jwt "$dir/operator.jwt"
entry accounts.conf "$accounts"
secret warp-hub
entry hub.creds "$dir/hub.creds"
entry hub-listen.creds "$dir/hub-listen.creds"
