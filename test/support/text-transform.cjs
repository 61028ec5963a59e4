// Jest transform: a `.yml` import evaluates to the file's text, as esbuild's `text` loader does in dist/.
module.exports = {
  process(sourceText) {
    return { code: `module.exports = ${JSON.stringify(sourceText)};` };
  },
};
