import { validate } from 'cdk8s-batch/rules';
const job = (name: string, extra: any = {}) => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, namespace: 'default', labels: { app: 'bench' } },
  spec: {
    parallelism: 2, completions: 4, completionMode: 'Indexed', backoffLimit: 3,
    activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 3600,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }] } },
    ...extra,
  },
});
console.log(validate(job('clean-1'), { kubernetesVersion: '1.31' }));
console.log(validate(job('noTtl', { ttlSecondsAfterFinished: undefined }), { kubernetesVersion: '1.31' }).map(v=>v.code+' '+v.severity));
const cj = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'default' }, spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300, jobTemplate: { spec: job('x').spec } } };
console.log(validate(cj, { kubernetesVersion: '1.31' }).map(v=>v.code+' '+v.severity));
