import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { scanLines, syntaxOf } from '../../core/guards/lexer.js';
import { findUnfinishedWork } from '../../core/guards/unfinished-work.js';
import { addedFile, changedFile, W } from './guards-fixtures.js';

/** The line numbers the guard flags in a new file `path` holding `text`. */
const flagged = (path: string, text: string, isTest = false): number[] =>
  findUnfinishedWork(addedFile(path, text), isTest).map((v) => v.line as number);

describe('unfinished work: markers in comments', () => {
  it('flags the seed case: a deferred line on the function that forwards stdin', () => {
    const found = findUnfinishedWork(
      addedFile(
        'src/pipe.ts',
        [
          'export function forward(stdin: Readable, router: Router) {',
          `  // ${W.todo}: pass stdin to router`,
          '  router.start(stdin);',
          '}',
        ].join('\n'),
      ),
      false,
    );
    expect(found).toEqual([
      {
        guard: 'unfinished_work',
        file: 'src/pipe.ts',
        line: 2,
        message: expect.stringContaining(`src/pipe.ts:2: the comment marker "${W.todo}" defers work`),
      },
    ]);
    expect(found[0]?.message).toContain(`\`// ${W.todo}: pass stdin to router\``);
  });

  it('finds each capitalised marker in line, block, doc and hash comments', () => {
    expect(flagged('a.js', `x(); // ${W.fixme} later`)).toEqual([1]);
    expect(flagged('a.ts', `/* ${W.xxx}: racy */ let a = 1;`)).toEqual([1]);
    expect(flagged('a.py', `x = 1  # ${W.hack} around the parser`)).toEqual([1]);
    expect(flagged('a.go', ['/**', ` * ${W.todo} handle the error`, ' */'].join('\n'))).toEqual([2]);
    expect(flagged('a.yml', `key: 1 # ${W.todo} tune`)).toEqual([1]);
    expect(flagged('a.sql', `select 1; -- ${W.fixme}`)).toEqual([1]);
    expect(flagged('a.html', `<p>x</p> <!-- ${W.todo}: copy -->`)).toEqual([1]);
  });

  it('carries a block comment across consecutive added lines', () => {
    expect(
      flagged('a.ts', ['const a = 1; /* start', `   and then ${W.todo} later`, '*/ const b = 2;'].join('\n')),
    ).toEqual([2]);
  });

  it('takes a lowercase marker at the start of a comment, and a doc tag', () => {
    expect(flagged('a.ts', `// ${W.todo.toLowerCase()}: handle empty input`)).toEqual([1]);
    expect(flagged('a.ts', `/** @${W.todo.toLowerCase()} cache this */`)).toEqual([1]);
    expect(flagged('a.rs', `let x = 1; // ${W.fixme.toLowerCase()}(bob) overflow`)).toEqual([1]);
  });

  it('finds placeholder phrases in comments', () => {
    expect(flagged('a.ts', `// ${W.notDone} yet`)).toEqual([1]);
    expect(flagged('a.py', `    pass  # ${W.stub}`)).toEqual([1]);
    expect(flagged('a.java', `// ${W.stub} implementation, replace`)).toEqual([1]);
  });

  it('leaves identifiers, ordinary words and strings alone', () => {
    const text = [
      'const todoList: Todo[] = [];',
      `const ${W.todo}_STATUS = 1;`,
      'todoItems.push(item); // update the todoList',
      `const status = '${W.todo}';`,
      `const label = "${W.todo}: shown in the UI";`,
      `// phone format ${W.xxx}-${W.xxx}-XXXX`,
      '// stub the network in this module',
      `const url = "http://example.com/${W.todo}"; // a link`,
      'const hackathon = true; // the hackathon entry',
    ].join('\n');
    expect(flagged('src/todos.ts', text)).toEqual([]);
  });

  it('reads only added lines: a removed marker is not this change to fix', () => {
    const file = changedFile('a.ts', [[3, 'const done = true;']], [[3, `// ${W.todo} finish`]]);
    expect(findUnfinishedWork(file, false)).toEqual([]);
  });

  it('in prose files, needs the marker followed by a colon or parenthesis', () => {
    expect(
      flagged(
        'README.md',
        [`# ${W.todo} app`, `The ${W.todo} list`, `${W.todo}: document the flags`].join('\n'),
      ),
    ).toEqual([3]);
    expect(flagged('notes.txt', `- ${W.fixme}(ann) wording`)).toEqual([1]);
  });

  it('skips deleted and binary files', () => {
    const deleted = changedFile('a.ts', [], [[1, `// ${W.todo}`]], 'deleted');
    expect(findUnfinishedWork(deleted, false)).toEqual([]);
    expect(findUnfinishedWork({ ...addedFile('a.ts', `// ${W.todo}`), binary: true }, false)).toEqual([]);
  });

  it('does not lose track after a Rust lifetime', () => {
    expect(flagged('src/lib.rs', `fn first<'a>(x: &'a str) -> &'a str { x } // ${W.todo} trim`)).toEqual([1]);
    expect(flagged('src/lib.rs', "fn c() -> char { '\\'' } // fine")).toEqual([]);
  });
});

describe('unfinished work: placeholders in code', () => {
  it('finds errors raised in place of code', () => {
    expect(flagged('a.ts', `throw new Error('${W.notDone}');`)).toEqual([1]);
    expect(flagged('a.ts', `  throw new Error("Method ${W.notDone}.");`)).toEqual([1]);
    expect(flagged('a.js', `throw new Error('${W.undone}')`)).toEqual([1]);
    expect(flagged('a.js', `throw new Error(\`${W.todo}\`)`)).toEqual([1]);
    expect(flagged('a.go', `\tpanic("${W.notDone}")`)).toEqual([1]);
    expect(flagged('a.rs', `    panic!("${W.notDone}")`)).toEqual([1]);
    expect(
      flagged('A.java', `throw new UnsupportedOperationException("Not ${W.notDone.slice(4)} yet");`),
    ).toEqual([1]);
    expect(flagged('A.cs', `throw new ${W.dotnet}();`)).toEqual([1]);
    expect(flagged('a.test.ts', `it.${W.todo.toLowerCase()}('handles empty input');`, true)).toEqual([1]);
    expect(flagged('a.py', `raise ValueError("${W.notDone}")`)).toEqual([1]);
  });

  it('finds the placeholder macros of Rust and the placeholder call of Kotlin, in code only', () => {
    expect(flagged('src/lib.rs', `fn f() -> u32 { ${W.todo.toLowerCase()}!() }`)).toEqual([1]);
    expect(flagged('src/lib.rs', `    ${W.undone}!("later")`)).toEqual([1]);
    expect(flagged('src/lib.rs', `let s = "${W.todo.toLowerCase()}!()";`)).toEqual([]);
    expect(flagged('App.kt', `fun f(): Int = ${W.todo}("later")`)).toEqual([1]);
  });

  it('finds Python NotImplementedError unless the method is abstract or an overload', () => {
    expect(
      flagged('m.py', ['class A:', '    def run(self, x):', `        raise ${W.pyError}`].join('\n')),
    ).toEqual([3]);
    expect(flagged('m.py', `raise ${W.pyError}("later")`)).toEqual([1]);
    const abstract = [
      'class A(ABC):',
      '    @abstractmethod',
      '    def run(self, x):',
      `        raise ${W.pyError}`,
    ].join('\n');
    expect(flagged('m.py', abstract)).toEqual([]);
    const abcAbstract = [
      '    @abc.abstractmethod',
      '    def run(self, x):',
      '        """Run."""',
      `        raise ${W.pyError}()`,
    ].join('\n');
    expect(flagged('m.py', abcAbstract)).toEqual([]);
    expect(flagged('m.py', 'return NotImplemented  # lets Python try the reflected operation')).toEqual([]);
  });

  it('leaves explained error paths and HTTP 501 alone', () => {
    expect(
      flagged('a.ts', `throw new Error('sorting is ${W.notDone} for maps; convert to an array first');`),
    ).toEqual([]);
    expect(flagged('a.ts', `res.status(501).send('Not Implemented');`)).toEqual([]);
    expect(flagged('a.ts', `log.info('${W.notDone}');`)).toEqual([]);
  });
});

describe('unfinished work: empty bodies that ignore their parameters', () => {
  it('finds the silent discard of the seed: a function that takes stdin and does nothing', () => {
    const found = findUnfinishedWork(addedFile('src/router.js', 'function route(stdin) {}'), false);
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('route has an empty body and ignores its parameter stdin');
  });

  it('finds empty functions, methods and arrows with named parameters in JS/TS, Go and Rust', () => {
    expect(flagged('a.ts', 'export function handle(req: Request, res: Response): void {}')).toEqual([1]);
    expect(flagged('a.ts', ['  write(chunk: Buffer) {', '  }'].join('\n'))).toEqual([1]);
    expect(
      flagged('a.ts', ['  write(chunk: Buffer) {', '    this.parts.push(chunk);', '  }'].join('\n')),
    ).toEqual([]);
    expect(flagged('a.ts', 'const onData = (chunk) => {};')).toEqual([1]);
    expect(flagged('a.ts', 'promise.then((value: number) => {});')).toEqual([1]);
    expect(flagged('a.go', 'func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {}')).toEqual([
      1,
    ]);
    expect(flagged('a.go', ['func apply(x, y int) {', '}'].join('\n'))).toEqual([1]);
    expect(flagged('a.rs', 'fn forward(&self, input: &[u8]) {}')).toEqual([1]);
  });

  it('allows no-op functions without parameters, _-named parameters, control blocks and parameter properties', () => {
    const text = [
      'const noop = () => {};',
      'function ignore(_event) {}',
      'if (ready) {}',
      'for (const x of xs) {}',
      'while (next()) {}',
      'constructor(private readonly db: Db) {}',
      'func (noop) Log(_ string) {}',
      'func Close() {}',
      'fn drop(&mut self) {}',
      'match x { Some(v) => {} None => {} }',
      'useEffect(() => {}, []);',
      'class Empty extends Base {}',
    ];
    expect(
      text.flatMap((line) =>
        flagged(
          line.startsWith('fn') || line.startsWith('match')
            ? 'a.rs'
            : line.startsWith('func')
              ? 'a.go'
              : 'a.ts',
          line,
        ),
      ),
    ).toEqual([]);
  });

  it('allows test doubles in test files', () => {
    expect(flagged('src/a.test.ts', 'const fakeWrite = (chunk) => {};', true)).toEqual([]);
  });

  it('finds Python functions whose body is only pass or ...', () => {
    expect(flagged('m.py', 'def parse(text): pass')).toEqual([1]);
    expect(
      flagged(
        'm.py',
        [
          'class P:',
          '    def parse(self, text: str) -> Tree:',
          '        ...',
          '',
          '    def other(self):',
          '        return 1',
        ].join('\n'),
      ),
    ).toEqual([2]);
    expect(flagged('m.py', ['def close(self):', '    pass'].join('\n'))).toEqual([]);
    expect(flagged('m.py', ['def parse(_text):', '    pass'].join('\n'))).toEqual([]);
    expect(flagged('m.py', ['@overload', 'def parse(text: str) -> str: ...'].join('\n'))).toEqual([]);
    expect(flagged('m.pyi', 'def parse(text: str) -> str: ...')).toEqual([]);
    expect(flagged('m.py', ['def parse(text):', '    pass', '    return text'].join('\n'))).toEqual([]);
  });

  it('finds errors swallowed silently', () => {
    expect(flagged('a.ts', 'try { run(); } catch (err) {}')).toEqual([1]);
    expect(flagged('a.ts', 'try { run(); } catch (_err) {}')).toEqual([]);
    expect(flagged('a.ts', 'try { run(); } catch {}')).toEqual([]);
    expect(flagged('a.go', 'if err != nil {}')).toEqual([1]);
    expect(
      flagged('a.py', ['try:', '    run()', 'except ValueError as error:', '    pass'].join('\n')),
    ).toEqual([3]);
    expect(flagged('a.py', ['try:', '    run()', 'except ValueError:', '    pass'].join('\n'))).toEqual([]);
  });
});

describe('the lexer under the guards', () => {
  it('property: keeps each line the same length with comments and strings blanked, and never throws', () => {
    const paths = ['a.ts', 'a.py', 'a.go', 'a.rs', 'A.java', 'a.sh', 'a.sql', 'a.html', 'a.css'];
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.array(fc.string({ unit: 'binary', maxLength: 60 }), { maxLength: 8 }),
        (path, texts) => {
          const lines = texts.map((text, i) => ({ line: i + 1, text }));
          const scanned = scanLines(lines, syntaxOf(path)!);
          expect(scanned.map((l) => l.code.length)).toEqual(texts.map((t) => t.length));
          expect(() => findUnfinishedWork(addedFile(path, texts.join('\n')), false)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('separates code, comments and strings', () => {
    const [line] = scanLines([{ line: 1, text: `const a = "x // y"; // ${W.todo} z` }], syntaxOf('a.ts')!);
    expect(line?.strings).toEqual(['x // y']);
    expect(line?.comments).toEqual([` ${W.todo} z`]);
    expect(line?.code.trimEnd()).toBe('const a = "      ";');
  });
});
