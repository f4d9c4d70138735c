// Validates one GraphQL document against GitHub's schema with graphql-js and describes its
// operations for the GitHub emulator: each root field with its alias, its arguments (variables as
// {"$variable": name}) and its selections, fragments inlined.
// Usage: node graphql-document.cjs <node_modules folder> <schema.json>   (document on stdin)
// Prints one JSON object: {"errors": [{message, locations}], "operations": [...]}.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, schemaPath] = process.argv.slice(2);
const { buildClientSchema, parse, validate, Kind } = require(path.resolve(modules, 'graphql'));

const document = fs.readFileSync(0, 'utf8');
const print = (result) => process.stdout.write(JSON.stringify(result));
const describe = (error) => ({ message: error.message, locations: error.locations ?? [] });

let ast;
try {
  ast = parse(document);
} catch (error) {
  print({ errors: [describe(error)], operations: [] });
  return;
}

// The introspection result, as @octokit/graphql-schema's own validate() uses: its schema.graphql
// repeats two EnterpriseOwnerInfo fields, which buildSchema rejects.
const schema = buildClientSchema(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const errors = validate(schema, ast);
if (errors.length > 0) {
  print({ errors: errors.map(describe), operations: [] });
  return;
}

const fragments = new Map(
  ast.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));

function value(node) {
  switch (node.kind) {
    case Kind.VARIABLE: return { $variable: node.name.value };
    case Kind.INT: return Number.parseInt(node.value, 10);
    case Kind.FLOAT: return Number.parseFloat(node.value);
    case Kind.NULL: return null;
    case Kind.LIST: return node.values.map(value);
    case Kind.OBJECT: return Object.fromEntries(node.fields.map((f) => [f.name.value, value(f.value)]));
    default: return node.value; // STRING, BOOLEAN, ENUM
  }
}

function selections(set) {
  const fields = [];
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      fields.push({
        name: selection.name.value,
        alias: selection.alias?.value ?? selection.name.value,
        arguments: Object.fromEntries((selection.arguments ?? []).map((a) => [a.name.value, value(a.value)])),
        selections: selections(selection.selectionSet),
      });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fields.push(...selections(selection.selectionSet));
    } else {
      fields.push(...selections(fragments.get(selection.name.value).selectionSet));
    }
  }
  return fields;
}

print({
  errors: [],
  operations: ast.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => ({
      name: d.name?.value ?? null,
      operation: d.operation,
      variableDefaults: Object.fromEntries((d.variableDefinitions ?? [])
        .filter((v) => v.defaultValue)
        .map((v) => [v.variable.name.value, value(v.defaultValue)])),
      fields: selections(d.selectionSet),
    })),
});
