# The parity app, Python edition: every construct of cdk8s-batch and the BatchRules API in one
# chart. test/apps/ts/main.ts is the same app in TypeScript; scripts/app-repo-test.sh
# synthesizes both from the packed artifacts and requires byte-identical YAML.
from cdk8s import ApiObject, App, Chart, Cron, Duration, JsonPatch, Size
import cdk8s_plus_28 as kplus
from cdk8s_batch import (
    BatchReconciler,
    BatchRules,
    BatchSettings,
    ExitCodeOperator,
    IndexedJob,
    JobTemplateExpansion,
    OneShotJob,
    PodFailurePolicy,
    PodFailurePolicyAction,
    PodFailurePolicyCondition,
    PodFailurePolicyRule,
    PodReplacementPolicy,
    ReconcilerMode,
    Schedule,
    ScheduledJob,
    ScheduledJobTemplate,
    SuccessPolicy,
    SuccessPolicyRule,
    WorkQueueJob,
)

app = App()
BatchSettings.set_kubernetes_version(app, "1.31")
BatchSettings.set_strict(app, True)
chart = Chart(app, "parity", namespace="batch")

resources = kplus.ContainerResources(
    cpu=kplus.CpuResources(request=kplus.Cpu.millis(100), limit=kplus.Cpu.millis(500)),
    memory=kplus.MemoryResources(request=Size.mebibytes(64), limit=Size.mebibytes(256)),
)
ignore_disruptions = PodFailurePolicyRule.on_pod_conditions(
    action=PodFailurePolicyAction.IGNORE,
    conditions=[PodFailurePolicyCondition(type="DisruptionTarget")],
)

OneShotJob(
    chart,
    "migrate",
    containers=[kplus.ContainerProps(image="registry.example.com/shop/migrate:1.4.0", args=["up"], resources=resources)],
    pod_metadata={"labels": {"team": "shop"}},
    admission_gate=True,
    backoff_limit=2,
    active_deadline=Duration.minutes(10),
    ttl_after_finished=Duration.hours(1),
    pod_replacement_policy=PodReplacementPolicy.FAILED,
    pod_failure_policy=PodFailurePolicy.of(
        PodFailurePolicyRule.on_exit_codes(action=PodFailurePolicyAction.FAIL_JOB, values=[42], container_name="main"),
        ignore_disruptions,
    ),
)

WorkQueueJob(
    chart,
    "thumbnails",
    containers=[
        kplus.ContainerProps(
            name="main",
            image="registry.example.com/shop/thumbnailer:2.0.1",
            env_variables={"QUEUE_URL": kplus.EnvValue.from_value("redis://queue:6379/thumbnails")},
            resources=resources,
        )
    ],
    restart_policy=kplus.RestartPolicy.ON_FAILURE,
    parallelism=4,
    active_deadline=Duration.hours(1),
    ttl_after_finished=Duration.hours(1),
)

IndexedJob(
    chart,
    "render",
    containers=[
        kplus.ContainerProps(
            image="registry.example.com/shop/renderer:5.2.0", args=["--chunk=$(JOB_COMPLETION_INDEX)"], resources=resources
        )
    ],
    completions=8,
    parallelism=4,
    backoff_limit_per_index=2,
    max_failed_indexes=2,
    headless_service=True,
    active_deadline=Duration.hours(2),
    ttl_after_finished=Duration.hours(6),
    pod_failure_policy=PodFailurePolicy.of(
        PodFailurePolicyRule.on_exit_codes(action=PodFailurePolicyAction.FAIL_INDEX, operator=ExitCodeOperator.IN, values=[3]),
        PodFailurePolicyRule.on_exit_codes(action=PodFailurePolicyAction.COUNT, operator=ExitCodeOperator.NOT_IN, values=[0, 3]),
    ),
)

IndexedJob(
    chart,
    "leader",
    containers=[kplus.ContainerProps(image="registry.example.com/shop/trainer:1.0.0", resources=resources)],
    completions=4,
    success_policy=SuccessPolicy.succeeded_indexes("0"),
    active_deadline=Duration.hours(1),
    ttl_after_finished=Duration.hours(1),
)

IndexedJob(
    chart,
    "first-wins",
    containers=[kplus.ContainerProps(image="registry.example.com/shop/search:1.0.0", resources=resources)],
    completions=5,
    parallelism=5,
    success_policy=SuccessPolicy.of(
        SuccessPolicyRule(succeeded_count=1), SuccessPolicyRule(succeeded_indexes="0-2", succeeded_count=2)
    ),
    active_deadline=Duration.minutes(30),
    ttl_after_finished=Duration.hours(1),
)

ScheduledJob(
    chart,
    "nightly-report",
    containers=[
        kplus.ContainerProps(image="registry.example.com/shop/reports:3.1.0", args=["sales", "--yesterday"], resources=resources)
    ],
    schedule=Cron.schedule(minute="0", hour="2"),
    time_zone="Europe/Berlin",
    concurrency_policy=kplus.ConcurrencyPolicy.FORBID,
    starting_deadline=Duration.minutes(10),
    successful_jobs_retained=3,
    failed_jobs_retained=1,
    job_template=ScheduledJobTemplate.one_shot(),
    backoff_limit=1,
    active_deadline=Duration.minutes(30),
)

ScheduledJob(
    chart,
    "queue-drain",
    containers=[kplus.ContainerProps(image="registry.example.com/shop/drainer:1.0.0", resources=resources)],
    schedule=Schedule.expression("*/15 * * * *"),
    job_template=ScheduledJobTemplate.work_queue(parallelism=3, completions=6),
    job_metadata={"labels": {"queue": "orders"}},
    active_deadline=Duration.minutes(10),
)

ScheduledJob(
    chart,
    "weekly-index",
    containers=[kplus.ContainerProps(image="registry.example.com/shop/indexer:2.2.0", resources=resources)],
    schedule=Cron.weekly(),
    suspend=True,
    job_template=ScheduledJobTemplate.indexed(
        completions=4,
        parallelism=2,
        backoff_limit_per_index=1,
        success_policy=SuccessPolicy.succeeded_count(3),
    ),
    active_deadline=Duration.hours(1),
)

JobTemplateExpansion(
    chart,
    "cache-warmup",
    containers=[
        kplus.ContainerProps(
            image="registry.example.com/shop/cache-warmer:1.1.0", args=["--region=$(REGION)"], resources=resources
        )
    ],
    items=["eu-west", "us-east", "ap-south"],
    item_variable="REGION",
    active_deadline=Duration.minutes(5),
    ttl_after_finished=Duration.hours(1),
)

BatchReconciler(
    chart,
    "reconciler",
    mode=ReconcilerMode.ENFORCE,
    namespaces=["batch", "reports"],
    enforce_namespaces=["batch"],
    replicas=2,
    leader_election=True,
    metrics_port=9191,
    cleanup_orphan_pods=True,
    finished_job_retention=Duration.days(3),
    rerun_stuck_jobs=True,
    stuck_after=Duration.minutes(20),
    catch_up_missed_cron_jobs=True,
    default_ttl_after_finished=Duration.days(2),
    default_active_deadline=Duration.hours(12),
)

# The rules API on a hand-written manifest: its findings, formatted, go into a ConfigMap.
hand_written = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "hand-written"},
    "spec": {
        "backoffLimitPerIndex": 1,
        "template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "main", "image": "busybox:1.36"}]}},
    },
}
findings = BatchRules.validate(hand_written, kubernetes_version=BatchRules.DEFAULT_KUBERNETES_VERSION)
report = ApiObject(chart, "rules-report", api_version="v1", kind="ConfigMap")
report.add_json_patch(
    JsonPatch.add(
        "/data",
        {
            "supportedVersions": ",".join(BatchRules.SUPPORTED_KUBERNETES_VERSIONS),
            "defaultVersion": BatchRules.DEFAULT_KUBERNETES_VERSION,
            "chartVersion": BatchSettings.kubernetes_version_of(chart),
            "strict": "true" if BatchSettings.is_strict(chart) else "false",
            "codes": "\n".join(f"{f.severity} {f.code} {f.path}" for f in findings),
            # A struct parameter becomes keyword arguments in Python.
            "findings": "\n".join(
                BatchRules.format_violation(code=f.code, severity=f.severity, path=f.path, message=f.message, fix=f.fix)
                for f in findings
            ),
        },
    )
)

app.synth()
