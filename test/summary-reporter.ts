/**
 * Ends every test run with the plain `N passed, N failed, N skipped` line that CI reads, after
 * vitest's own report. A failure outside any test counts as a failure too, each named on a line
 * above the summary: a beforeAll or afterAll that throws (vitest keeps its error on the suite or
 * file, and the tests it guarded count as skipped or passed), a file that fails to load, and an
 * unhandled error.
 */
import type { Reporter, SerializedError, TestModule, TestSuite } from "vitest/node";

const where = (entity: TestModule | TestSuite) =>
  entity.type === "module" ? entity.relativeModuleId : `${entity.module.relativeModuleId} > ${entity.fullName}`;

/** "<file> > <suite>: <message>" for every error kept on the file or one of its suites. */
function failuresOutsideTests(module: TestModule): string[] {
  return [module, ...module.children.allSuites()].flatMap((entity) => entity.errors().map((e) => `${where(entity)}: ${e.message}`));
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const outside: string[] = [];
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") failedTests++;
        else counts.skipped++;
      }
      counts.failed += failedTests;
      const own = failuresOutsideTests(module);
      // A failed file with nothing to show for it still counts once.
      if (module.state() === "failed" && failedTests === 0 && own.length === 0) own.push(`${module.relativeModuleId}: failed`);
      outside.push(...own);
    }
    outside.push(...unhandledErrors.map((e) => `unhandled error: ${e.message}`));
    counts.failed += outside.length;
    const lines = outside.map((line) => `failed outside a test: ${line.split("\n")[0]}\n`).join("");
    process.stdout.write(`\n${lines}tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
