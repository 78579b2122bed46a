// A node:test reporter that writes one JSON object, file -> wall time in ms, for each test file
// that finished (the runner's `test:complete` event of the file itself). scripts/run-tests.js
// keeps these to start the slowest files first and prints the slowest after a run.
export default async function* durations(source) {
  const files = {};
  for await (const event of source) {
    if (event.type === 'test:complete' && event.data.nesting === 0 && event.data.name === event.data.file)
      files[event.data.file] = Math.round(event.data.details.duration_ms);
  }
  yield JSON.stringify(files);
}
