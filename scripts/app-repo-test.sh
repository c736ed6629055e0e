#!/usr/bin/env bash
# The app-repo test: cdk8s-batch as a user gets it. Packs the npm packages as they would be
# published, creates a fresh cdk8s app in a temporary directory outside the repository,
# installs the library from its tarball (cdk8s, cdk8s-plus-28 and constructs from npm),
# type-checks and synthesizes the example app, and runs `npx cdk8s-batch check` and
# `npx cdk8s-batch sandbox` on the output, comparing exit codes and key lines. The
# cdk8s-batch-reconciler tarball is installed on its own and runs `check` with no other package.
# The app is the example app (examples/app.ts) plus what app repositories hold next to their
# batch work (test/apps/repo/platform.ts): a BatchReconciler, a Deployment and a weekly CronJob.
#
#   scripts/app-repo-test.sh [--peers newest|oldest] [--python]
#
#   --peers newest   cdk8s, cdk8s-plus-28 and constructs at the newest 2.x / 2.x / 10.x (default)
#   --peers oldest   at the lowest versions the peerDependencies ranges of package.json allow
#   --python         also install the wheel from dist/python in a virtual environment (its
#                    dependencies from PyPI, at the versions the npm app got) and require
#                    test/apps/python/main.py to synthesize byte for byte what
#                    test/apps/ts/main.ts synthesizes; run every Python example of the wheel's
#                    README and docstrings (jsii-rosetta translations); run its `cdk8s-batch` script
#
# Needs a build first (`npx projen build`, or `npx projen compile && npx projen post-compile`;
# with --python also `npx projen package:python`). Set KEEP_APP_DIR=1 to keep the temporary app.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
peers=newest
python=false
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) peers="$2"; shift 2 ;;
    --python) python=true; shift ;;
    *) echo "app-repo-test: unknown argument $1 (expected --peers newest|oldest or --python)" >&2; exit 2 ;;
  esac
done
case "$peers" in newest|oldest) ;; *) echo "app-repo-test: --peers must be newest or oldest (got $peers)" >&2; exit 2 ;; esac

export CDK8S_CHECK_UPGRADE=false
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

started=$SECONDS
step() { echo "== app-repo-test [$((SECONDS - started))s] $*"; }
fail() { echo "app-repo-test: FAIL: $*" >&2; exit 1; }

# Runs a command, requires its exit code, keeps its output in $out (and prints it).
run_expect() {
  local want=$1; shift
  local rc=0
  out=$("$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | sed 's/^/    /'
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
}
expect_line() { # expect_line <extended regex> <what>
  printf '%s\n' "$out" | grep -Eq "$1" || fail "missing $2 (a line matching /$1/)"
}

[ -f "$root/lib/index.js" ] && [ -f "$root/lib/cli/cdk8s-batch.mjs" ] \
  || fail "no build in $root/lib (run 'npx projen compile && npx projen post-compile' or 'npx projen build' first)"

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-batch-app-repo.XXXXXX")
if [ "${KEEP_APP_DIR:-}" = "1" ]; then echo "app-repo-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/artifacts"

step "pack the npm packages as they would be published"
(cd "$root" && npm pack --silent --pack-destination "$work/artifacts" >/dev/null)
(cd "$root/reconciler" && npm pack --silent --pack-destination "$work/artifacts" >/dev/null)
lib_tgz=$(ls "$work"/artifacts/cdk8s-batch-[0-9]*.tgz)
rec_tgz=$(ls "$work"/artifacts/cdk8s-batch-reconciler-*.tgz)
ls -l "$work/artifacts" | sed 's/^/    /'
tar -tzf "$lib_tgz" > "$work/library-files.txt"
grep -qx 'package/lib/cli/cdk8s-batch.mjs' "$work/library-files.txt" || fail "the library tarball lacks lib/cli/cdk8s-batch.mjs"
! grep -Eq '^package/(src|test|reconciler|examples|scripts|rosetta)/' "$work/library-files.txt" || fail "the library tarball ships sources or tests"
tar -tzf "$rec_tgz" | sort > "$work/reconciler-files.txt"
printf 'package/LICENSE\npackage/dist/THIRD-PARTY-NOTICES.txt\npackage/dist/cli.mjs\npackage/package.json\npackage/README.md\n' | sort > "$work/reconciler-expected.txt"
diff -u "$work/reconciler-expected.txt" "$work/reconciler-files.txt" || fail "the reconciler tarball ships other files than the CLI bundle"

# The peer versions: the newest of each major, or the lowest that the library's ranges allow.
peer_spec() { # peer_spec <package> <major>
  if [ "$peers" = oldest ]; then
    node -e "const r = require('$root/package.json').peerDependencies['$1']; const m = /^\^(\d+\.\d+\.\d+)$/.exec(r); if (!m) { console.error('peer range of $1 is not ^x.y.z: ' + r); process.exit(1); } console.log('$1@' + m[1])"
  else
    echo "$1@$2"
  fi
}
cdk8s_spec=$(peer_spec cdk8s 2)
plus_spec=$(peer_spec cdk8s-plus-28 2)
constructs_spec=$(peer_spec constructs 10)

step "a fresh cdk8s app in $work/app; npm install $(basename "$lib_tgz") $cdk8s_spec $plus_spec $constructs_spec"
mkdir -p "$work/app"
cd "$work/app"
cat > package.json <<'EOF'
{ "name": "shop-batch-app", "version": "1.0.0", "private": true, "license": "UNLICENSED" }
EOF
cat > cdk8s.yaml <<'EOF'
language: typescript
app: node build/main.js
EOF
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022", "module": "node16", "moduleResolution": "node16", "lib": ["es2022"],
    "strict": true, "esModuleInterop": true, "types": ["node"], "rootDir": ".", "outDir": "build"
  },
  "include": ["*.ts"]
}
EOF
cp "$root/examples/app.ts" "$root/test/apps/repo/platform.ts" .
cat > main.ts <<'EOF'
import { buildExampleApp } from './app';
import { addPlatform } from './platform';

const app = buildExampleApp();
addPlatform(app);
app.synth();
EOF
cp "$root/test/apps/ts/main.ts" parity.ts
run_expect 0 npm install --no-audit --no-fund --loglevel=error "$lib_tgz" "$cdk8s_spec" "$plus_spec" "$constructs_spec"
run_expect 0 npm install --no-audit --no-fund --loglevel=error --save-dev typescript@5.9 @types/node@20
installed() { node -p "require('./node_modules/$1/package.json').version"; }
echo "    installed: cdk8s-batch@$(installed cdk8s-batch) cdk8s@$(installed cdk8s) cdk8s-plus-28@$(installed cdk8s-plus-28) constructs@$(installed constructs)"

step "type-check the app against the installed declarations (tsc --strict) and synthesize it"
run_expect 0 npx tsc -p .
run_expect 0 node build/main.js
[ -f dist/shop-batch.k8s.yaml ] && [ -f dist/platform.k8s.yaml ] || fail "synth wrote no dist/shop-batch.k8s.yaml and dist/platform.k8s.yaml"

step "npx cdk8s-batch check dist/ (the app records its Kubernetes version in the manifests)"
run_expect 0 npx --no-install cdk8s-batch check dist/
expect_line '^[0-9]+ objects checked \([0-9]+ Jobs, [0-9]+ CronJobs.*\), 0 errors, 0 warnings, for Kubernetes 1\.31$' "the check summary: 0 errors and 0 warnings, for the recorded version 1.31"

step "npx cdk8s-batch check finds a broken manifest (exit 1, rule code and field path)"
cat > broken.yaml <<'EOF'
apiVersion: batch/v1
kind: Job
metadata:
  name: broken
spec:
  template:
    spec:
      restartPolicy: Always
      containers:
        - name: main
          image: busybox:1.36
EOF
run_expect 1 npx --no-install cdk8s-batch check broken.yaml
expect_line 'error +RestartPolicyNotAllowed +spec\.template\.spec\.restartPolicy' "the RestartPolicyNotAllowed error"

step "npx cdk8s-batch sandbox dist/"
run_expect 0 npx --no-install cdk8s-batch sandbox dist/ --speed 60
expect_line '^sandbox: every Job finished$' "the sandbox verdict"
expect_line '^applied +Deployment +platform-web-' "the Deployment applied"
expect_line '^applied +Deployment +default/cdk8s-batch-reconciler$' "the BatchReconciler's Deployment applied"
expect_line '^applied +ClusterRole +cdk8s-batch-reconciler$' "the BatchReconciler's ClusterRole applied"
# Whether the weekly start falls inside the run depends on today's weekday: either it ran (a last
# start) or it is shown as after this run; either way the sandbox does not wait a week for it.
expect_line '^platform-weekly-cleanup-[a-z0-9]+ +0 0 \* \* 0 +UTC +(-|[0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00Z) +[0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00Z( \(after this run\))?$' "the weekly CronJob's row: its last start (if inside the run) and its next start"
expect_line '^shop-batch-product-import-[a-z0-9]+ +OneShotJob +Failed +PodFailurePolicy ' "the product import failing by its pod failure policy"
expect_line '^shop-batch-render-farm-[a-z0-9]+ +IndexedJob +Complete +CompletionsReached +8/8 ' "the render farm completing 8 of 8 indexes"
expect_line 'AdmissionGateReleased' "the reconciler releasing the admission gate"

step "the cdk8s-batch-reconciler tarball alone (no other package) runs check"
mkdir -p "$work/reconciler-only"
(cd "$work/reconciler-only" && echo '{ "private": true }' > package.json \
  && npm install --no-audit --no-fund --loglevel=error "$rec_tgz" >/dev/null)
[ ! -d "$work/reconciler-only/node_modules/@kubernetes" ] || fail "the reconciler package pulled in dependencies"
run_expect 0 "$work/reconciler-only/node_modules/.bin/cdk8s-batch" check "$work/app/dist/"
expect_line ', 0 errors, 0 warnings' "the check summary"

step "synthesize the TypeScript parity app"
run_expect 0 env CDK8S_OUTDIR="$work/parity-ts" node build/parity.js
[ -s "$work/parity-ts/parity.k8s.yaml" ] || fail "the parity app wrote no parity.k8s.yaml"

if [ "$python" = true ]; then
  wheel=$(ls "$root"/dist/python/cdk8s_batch-*.whl 2>/dev/null | head -n 1 || true)
  [ -n "$wheel" ] || fail "no wheel in $root/dist/python (run 'npx projen package:python' first)"
  step "python: a virtual environment with $(basename "$wheel") and its dependencies from PyPI"
  python3 -m venv "$work/venv"
  run_expect 0 "$work/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" \
    "cdk8s==$(installed cdk8s)" "cdk8s-plus-28==$(installed cdk8s-plus-28)" "constructs==$(installed constructs)"
  echo "    $("$work/venv/bin/pip" list --disable-pip-version-check 2>/dev/null | grep -Ei '^(cdk8s|constructs|jsii) ' | tr -s ' ' | paste -sd, -)"

  step "python: synthesize test/apps/python/main.py and compare it byte for byte with the TypeScript app"
  run_expect 0 env CDK8S_OUTDIR="$work/parity-py" "$work/venv/bin/python" "$root/test/apps/python/main.py"
  cmp "$work/parity-ts/parity.k8s.yaml" "$work/parity-py/parity.k8s.yaml" \
    || { diff -u "$work/parity-ts/parity.k8s.yaml" "$work/parity-py/parity.k8s.yaml" | head -40; fail "the Python app's YAML differs from the TypeScript app's"; }
  echo "    identical: $(wc -c < "$work/parity-py/parity.k8s.yaml") bytes, $(grep -c '^kind:' "$work/parity-py/parity.k8s.yaml") objects"

  step "python: every Python example of the package README and docstrings runs"
  run_expect 0 "$work/venv/bin/python" "$root/scripts/run-python-examples.py" "$wheel" "$work/python-examples"

  step "python: the wheel's cdk8s-batch script checks the synthesized app"
  run_expect 0 "$work/venv/bin/cdk8s-batch" check "$work/parity-py/"
  expect_line ', 0 errors, 0 warnings' "the check summary"
fi

step "passed (peers: $peers, python: $python)"
