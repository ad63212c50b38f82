// Pre-commit (husky runs `lint-staged --no-stash`): fix formatting, whitespace and final newlines, refuse
// large files, scan for secrets, and lint the staged TypeScript of the packages.
export default {
  '*': [
    'node tools/check-staged-files.mjs',
    'prettier --write --ignore-unknown',
    'secretlint --maskSecrets --secretlintignore .gitignore',
  ],
  'packages/**/{src,tests}/**/*.ts': 'eslint --max-warnings=0 --no-warn-ignored',
};
