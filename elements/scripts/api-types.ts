import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
// Importing the app loads every route module, and each documents its routes as it loads.
import '../../bridge-server/src/api/app.ts';
import { buildOpenApiDocument } from '../../bridge-server/src/api/openapi.ts';

export const API_TYPES_FILE = new URL('../src/core/api-types.ts', import.meta.url);

const HEADER = `/**
 * Generated from the bridge server's OpenAPI document by \`npm run -w @dockhand/elements generate:api\`.
 * Do not edit: change the route's zod schemas, then run the script again (a test fails while it is stale).
 */
`;

/** The typed paths of the bridge server's API, as TypeScript source, formatted as the repository formats. */
export async function renderApiTypes(): Promise<string> {
  // A fixed version and server keep the output the same from one build to the next.
  const document = buildOpenApiDocument('0.0.0', '/');
  const ast = await openapiTS(document as never, { exportType: false, alphabetize: true });
  const source = HEADER + astToString(ast);
  const options = await resolveConfig(API_TYPES_FILE.pathname);
  return format(source, { ...options, parser: 'typescript' });
}
