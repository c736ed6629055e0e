import { buildExampleApp } from './app';

try {
  buildExampleApp().synth();
} catch (e) {
  // Validation errors already name the construct, rule code, field, value and fix: print them
  // without a stack trace.
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
