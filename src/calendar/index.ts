export * from './zoned-time.ts';
export * from './business-hours.ts';
export * from './periods.ts';
