import { describe, it, expect } from '@jest/globals';
import { GitHubOpenApi } from '../../testbed/github/openapi.js';
import { GitHubError } from '../../testbed/github/errors.js';

const api = GitHubOpenApi.shared();

function request(method: string, pathname: string, body?: unknown, query = '') {
  return {
    method,
    pathname,
    query: new URLSearchParams(query),
    rawBody: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

function refusal(fn: () => unknown): GitHubError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GitHubError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('GitHubOpenApi routing', () => {
  it('prefers literal segments over parameters', () => {
    expect(api.match('GET', '/repos/o/r/issues/comments')?.operation.operationId).toBe(
      'issues/list-comments-for-repo',
    );
    expect(api.match('GET', '/repos/o/r/issues/12')?.operation.operationId).toBe('issues/get');
    expect(api.match('PATCH', '/repos/o/r/issues/comments/5')?.operation.operationId).toBe(
      'issues/update-comment',
    );
  });
  it('matches segments that mix text and parameters', () => {
    const m = api.match('GET', '/repos/o/r/compare/main...feature');
    expect(m?.operation.operationId).toBe('repos/compare-commits');
    expect(m?.pathParams).toEqual({ owner: 'o', repo: 'r', base: 'main', head: 'feature' });
  });
  it('lets a final parameter take encoded or raw slashes', () => {
    expect(api.match('GET', '/repos/o/r/contents/a%2Fb.txt')?.pathParams.path).toBe('a/b.txt');
    expect(api.match('GET', '/repos/o/r/contents/a/b.txt')?.pathParams.path).toBe('a/b.txt');
  });
  it('finds nothing for unknown routes or methods', () => {
    expect(api.match('GET', '/nope')).toBeUndefined();
    expect(api.match('POST', '/repos/o/r/issues/1')).toBeUndefined();
    expect(api.match('GET', '/repos/o/r/nothing-here')).toBeUndefined();
  });
});

describe('GitHubOpenApi request validation', () => {
  it('accepts a valid issue creation and coerces path parameters', () => {
    const ok = api.validateRequest(request('POST', '/repos/o/r/issues', { title: 'x', labels: ['a'] }));
    expect(ok.operationId).toBe('issues/create');
    const get = api.validateRequest(request('GET', '/repos/o/r/issues/7'));
    expect(get.params.issue_number).toBe(7);
  });
  it('refuses a missing required field with GitHub wording', () => {
    const e = refusal(() => api.validateRequest(request('POST', '/repos/o/r/issues', { body: 'no title' })));
    expect(e.status).toBe(422);
    expect(e.body.message).toBe('Invalid request.\n\n"title" wasn\'t supplied.');
    expect(e.body.documentation_url).toBe('https://docs.github.com/rest/issues/issues#create-an-issue');
    expect(e.body.errors).toEqual([
      { resource: 'Issue', field: 'title', code: 'missing_field', message: "title wasn't supplied" },
    ]);
  });
  it('refuses a wrong type, an unknown key and a bad enum value', () => {
    const type = refusal(() => api.validateRequest(request('POST', '/repos/o/r/issues', { title: true })));
    expect(type.body.message).toBe(
      "Invalid request.\n\nFor 'properties/title', true is not a string or an integer.",
    );
    const key = refusal(() =>
      api.validateRequest(request('POST', '/repos/o/r/issues', { title: 't', rainbow: 1 })),
    );
    expect(key.body.message).toBe('Invalid request.\n\n"rainbow" is not a permitted key.');
    const state = refusal(() =>
      api.validateRequest(request('PATCH', '/repos/o/r/issues/1', { state: 'opne' })),
    );
    expect(state.status).toBe(422);
    expect(state.body.message).toContain('"opne" is not one of');
  });
  it('refuses malformed JSON with 400 and a non-object body with 400', () => {
    const e = refusal(() => api.validateRequest(request('POST', '/repos/o/r/issues', '{"title": ')));
    expect([e.status, e.body.message]).toEqual([400, 'Problems parsing JSON']);
    const arr = refusal(() => api.validateRequest(request('POST', '/repos/o/r/issues', '[1]')));
    expect([arr.status, arr.body.message]).toEqual([400, 'Body should be a JSON object']);
  });
  it('answers 404 for unknown routes and path parameters of the wrong type', () => {
    expect(refusal(() => api.validateRequest(request('GET', '/repos/o/r/nothing-here'))).body).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
    expect(refusal(() => api.validateRequest(request('GET', '/repos/o/r/issues/abc'))).status).toBe(404);
  });
  it('validates and coerces query parameters', () => {
    const ok = api.validateRequest(
      request('GET', '/repos/o/r/issues/1/comments', undefined, 'per_page=5&page=2'),
    );
    expect(ok.query).toEqual({ per_page: 5, page: 2 });
    const bad = refusal(() =>
      api.validateRequest(request('GET', '/repos/o/r/issues', undefined, 'state=weird')),
    );
    expect(bad.status).toBe(422);
  });
  it('accepts nullable fields given as null', () => {
    expect(
      api.validateRequest(request('POST', '/repos/o/r/issues', { title: 't', milestone: null })).body,
    ).toEqual({
      title: 't',
      milestone: null,
    });
  });
});

describe('GitHubOpenApi response and webhook checks', () => {
  it('reports an undeclared status and a body that breaks the schema', () => {
    const op = api.match('POST', '/repos/o/r/issues')!.operation;
    expect(api.checkResponse(op, 200, {})).toMatch(/does not declare status 200/);
    expect(api.checkResponse(op, 201, { id: 1 })).toMatch(/does not match/);
    expect(api.checkResponse(op, 404, { message: 'Not Found' })).toBeUndefined();
  });
  it('refuses to check an event GitHub does not document', () => {
    expect(() => api.checkWebhook('issues', 'exploded', {})).toThrow(/documents no webhook/);
    expect(api.checkWebhook('issues', 'labeled', {})).toMatch(/does not match/);
  });
});
