#!/usr/bin/env bash
# Runs batch workloads on the cluster started by `npx projen cluster:up` and checks what the real
# controllers do with them. There is no kubelet: pods stay Pending until this script writes their
# phase through the pods/status subresource, as the upstream Job integration tests do.
#   - a Job's pods carry the batch.kubernetes.io/job-tracking finalizer and belong to the Job
#   - two succeeded pods complete the Job; the finalizers are removed
#   - the TTL-after-finished controller deletes the finished Job; the garbage collector its pods
#   - a failed pod with backoffLimit 0 fails the Job with BackoffLimitExceeded
#   - the CronJob controller creates a Job from a CronJob
#   - the namespace controller deletes the namespace with what is left in it
set -euo pipefail

cache="${CDK8S_BATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-batch}"
export KUBECONFIG="${KUBECONFIG:-$cache/current/kubeconfig}"
kubectl="$cache/current/bin/kubectl"
if [ ! -r "$KUBECONFIG" ] || [ ! -x "$kubectl" ]; then
  echo "smoke: no cluster (no $KUBECONFIG); start one with npx projen cluster:up" >&2
  exit 1
fi
ns="smoke-$(date +%s)"
start=$SECONDS
step() { echo "[$((SECONDS - start))s] $*"; }
fail() { echo "smoke: FAILED: $*" >&2; "$kubectl" get -n "$ns" jobs,pods,cronjobs -o wide >&2 || true; exit 1; }
k() { "$kubectl" -n "$ns" "$@"; }
poll() { # seconds command...: true once the command succeeds
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

job() { # name completions backoffLimit
  cat <<EOF
apiVersion: batch/v1
kind: Job
metadata: { name: $1 }
spec:
  completions: $2
  parallelism: $2
  backoffLimit: $3
  ttlSecondsAfterFinished: 10
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: main, image: busybox, command: ["true"] }]
EOF
}

set_phase() { # job phase
  for pod in $(k get pods -l "batch.kubernetes.io/job-name=$1" -o name); do
    k patch "$pod" --subresource=status --type=merge -p "{\"status\":{\"phase\":\"$2\"}}" >/dev/null
  done
}

step "server $("$kubectl" version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), namespace $ns"
"$kubectl" create namespace "$ns" >/dev/null

step "Job work (completions 2): the job controller creates two pods"
job work 2 6 | k apply -f - >/dev/null
k wait --for=jsonpath='{.status.active}'=2 job/work --timeout=60s >/dev/null || fail "job/work did not get 2 active pods"
for pod in $(k get pods -l batch.kubernetes.io/job-name=work -o name); do
  [ "$(k get "$pod" -o jsonpath='{.metadata.finalizers}')" = '["batch.kubernetes.io/job-tracking"]' ] || fail "$pod has no job-tracking finalizer"
  [ "$(k get "$pod" -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}')" = "Job/work" ] || fail "$pod is not owned by job/work"
  [ "$(k get "$pod" -o jsonpath='{.status.phase}')" = "Pending" ] || fail "$pod is not Pending"
done

step "both pods Succeeded: the Job completes and the finalizers are removed"
set_phase work Succeeded
k wait --for=condition=Complete job/work --timeout=60s >/dev/null || fail "job/work did not complete"
[ "$(k get job/work -o jsonpath='{.status.succeeded}')" = 2 ] || fail "job/work status.succeeded is not 2"
no_finalizers() { [ -z "$(k get pods -l batch.kubernetes.io/job-name=work -o jsonpath='{.items[*].metadata.finalizers}')" ]; }
poll 30 no_finalizers || fail "the pods of job/work kept the job-tracking finalizer"

step "ttlSecondsAfterFinished 10: the TTL controller deletes the Job, the garbage collector its pods"
k wait --for=delete job/work --timeout=60s >/dev/null || fail "job/work was not deleted after its TTL"
k wait --for=delete pod -l batch.kubernetes.io/job-name=work --timeout=60s >/dev/null || fail "the pods of job/work were not deleted"

step "Job once (backoffLimit 0): a failed pod fails the Job"
job once 1 0 | k apply -f - >/dev/null
k wait --for=jsonpath='{.status.active}'=1 job/once --timeout=60s >/dev/null || fail "job/once did not get an active pod"
set_phase once Failed
failed_reason() { [ "$(k get job/once -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}')" = BackoffLimitExceeded ]; }
poll 60 failed_reason || fail "job/once did not fail with BackoffLimitExceeded"
k wait --for=delete job/once --timeout=60s >/dev/null || fail "job/once was not deleted after its TTL"

step "CronJob every (* * * * *): the CronJob controller creates a Job within a minute"
cat <<EOF | k apply -f - >/dev/null
apiVersion: batch/v1
kind: CronJob
metadata: { name: every }
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: main, image: busybox, command: ["true"] }]
EOF
owners() { k get jobs -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{"\n"}{end}'; }
scheduled() { owners | grep -qx CronJob/every; }
poll 90 scheduled || fail "cronjob/every created no Job within 90 s"

step "delete the namespace: the namespace controller removes it and what it holds"
"$kubectl" delete namespace "$ns" --wait=false >/dev/null
"$kubectl" wait --for=delete "namespace/$ns" --timeout=120s >/dev/null || fail "namespace $ns was not deleted"
step "smoke passed"
