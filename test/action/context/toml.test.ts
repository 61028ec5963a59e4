import { describe, expect, it } from '@jest/globals';
import { parseToml, TomlSyntaxError, tomlStrings } from '../../../action/context/toml.js';

describe('parseToml', () => {
  it('reads tables, dotted keys, all four string kinds, arrays and inline tables', () => {
    const doc = parseToml(`
# a comment
name = "root" # trailing comment
[project]
name = 'inventory'
description = """
multi "quoted" line"""
literal = '''C:\\path'''
escaped = "tab\\tand \\u00e9"
dependencies = [
  "attrs>=23",  # why
  "pytest",
]
urls = { home = "https://example.com", "bug tracker" = "x" }
enabled = true
version = 1.5

[tool.poetry.group.dev.dependencies]
pytest = "^8"

[[bin]]
name = "a"
[[bin]]
path = "b"

[tool]
ruff.line-length = 100
`);
    expect(doc.get('')?.name).toBe('root');
    const project = doc.get('project');
    expect(project?.name).toBe('inventory');
    expect(project?.description).toBe('multi "quoted" line');
    expect(project?.literal).toBe('C:\\path');
    expect(project?.escaped).toBe('tab\tand é');
    expect(project?.dependencies).toEqual(['attrs>=23', 'pytest']);
    expect(project?.urls).toEqual({ home: 'https://example.com', 'bug tracker': 'x' });
    expect(project?.enabled).toBe(true);
    expect(project?.version).toBe('1.5');
    expect(Object.keys(doc.get('tool.poetry.group.dev.dependencies') ?? {})).toEqual(['pytest']);
    expect(doc.get('bin')).toEqual({ name: 'a', path: 'b' });
    expect(doc.get('tool.ruff')).toEqual({ 'line-length': '100' });
  });

  it('names the line of a syntax error', () => {
    expect(() => parseToml('[project]\nname = "unterminated\n')).toThrow(TomlSyntaxError);
    expect(() => parseToml('a = 1\nb c = 2\n')).toThrow(/line 2/);
  });

  it('tomlStrings collects every string in nested values', () => {
    expect(tomlStrings(['a', { b: 'c', d: ['e', true] }])).toEqual(['a', 'c', 'e']);
    expect(tomlStrings(undefined)).toEqual([]);
  });
});
