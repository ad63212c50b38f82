// Conventional commits on commit-msg (husky): `type(scope): subject`, e.g. `feat(engine): cosine warmup`.
// Scopes are free-form (package names without the `cls-` prefix by convention, comma-separated for several).
// Headers up to 150 characters (the project writes descriptive ones); body and footer line lengths only warn.
export default {
  extends: ['@commitlint/config-conventional'],
  rules: {
    'header-max-length': [2, 'always', 150],
    'body-max-line-length': [1, 'always', 100],
    'footer-max-line-length': [1, 'always', 100],
  },
};
