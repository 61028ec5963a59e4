import { describe, expect, it } from '@jest/globals';
import { HANDLERS } from '../../testbed/github/handlers/index.js';
import { GitHubOpenApi } from '../../testbed/github/openapi.js';

const api = GitHubOpenApi.shared();

describe('the handler registry', () => {
  it('serves only operations GitHub has, and honours only parameters they declare', () => {
    const problems: string[] = [];
    for (const [operationId, handler] of HANDLERS) {
      const declared = api.describeOperation(operationId);
      if (declared === undefined) {
        problems.push(`${operationId}: no such operation`);
        continue;
      }
      for (const name of handler.query ?? []) {
        if (!declared.query.includes(name)) problems.push(`${operationId}: query ${name} is not declared`);
      }
      for (const name of handler.body ?? []) {
        if (!declared.bodyProperties.includes(name))
          problems.push(`${operationId}: body ${name} is not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers what the orchestrator calls', () => {
    const needed = [
      'apps/create-installation-access-token',
      'repos/get-collaborator-permission-level',
      'teams/get-membership-for-user-in-org',
      'issues/create',
      'issues/update',
      'issues/add-labels',
      'issues/remove-label',
      'issues/create-comment',
      'issues/update-comment',
      'issues/list-comments',
      'issues/add-sub-issue',
      'pulls/create',
      'pulls/merge',
      'checks/create',
      'checks/update',
      'checks/list-for-ref',
      'repos/create-commit-status',
      'actions/create-workflow-dispatch',
      'actions/get-workflow-run',
      'actions/list-workflow-run-artifacts',
      'actions/download-artifact',
      'repos/get-content',
    ];
    expect(needed.filter((operationId) => !HANDLERS.has(operationId))).toEqual([]);
  });
});
