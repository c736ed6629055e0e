// What an app repository adds next to its batch work, for scripts/app-repo-test.sh: the
// reconciler the admission gate needs (ServiceAccount, RBAC, Deployment), a web Deployment,
// and a CronJob that runs weekly. The sandbox applies all of them and exits 0.
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchReconciler, ScheduledJob } from 'cdk8s-batch';

const resources: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/** Adds the platform chart to an app. */
export function addPlatform(app: App): Chart {
  const chart = new Chart(app, 'platform');
  new BatchReconciler(chart, 'reconciler');
  new kplus.Deployment(chart, 'web', {
    containers: [{ image: 'registry.example.com/shop/web:3.0.0', portNumber: 8080, resources }],
    replicas: 2,
  });
  new ScheduledJob(chart, 'weekly-cleanup', {
    containers: [{ image: 'registry.example.com/shop/cleanup:1.0.0', args: ['--older-than=30d'], resources }],
    schedule: Cron.weekly(),
    activeDeadline: Duration.minutes(30),
  });
  return chart;
}
