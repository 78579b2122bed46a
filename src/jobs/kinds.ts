import { alertJobKinds } from '../alerts/deliver.ts';
import { rollupJobKinds } from '../metrics/rollups/index.ts';
import { reportJobKinds } from '../reports/deliver.ts';
import { sentimentJobKinds } from '../feedback/sentiment/job.ts';
import { surveyJobKinds } from '../surveys/jobs.ts';
import type { JobKinds } from './runner.ts';

/**
 * Every kind of job, in one place. The server's runner and `cxkpi jobs run-once` both run these;
 * alerts and reports add theirs here. Kept out of ./index.ts because the kinds' modules import
 * the queue from there.
 */
export const JOB_KINDS: JobKinds = {
  ...surveyJobKinds,
  ...alertJobKinds,
  ...rollupJobKinds,
  ...reportJobKinds,
  ...sentimentJobKinds,
};
