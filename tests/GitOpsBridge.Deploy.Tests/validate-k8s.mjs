// Validates Kubernetes objects offline against the schemas that the npm package kubernetes-models
// (and @kubernetes-models/argo-cd, @kubernetes-models/flux-cd for those CRDs) generate from the
// OpenAPI descriptions. validate() reports missing required fields, wrong types and bad formats.
//
//   node validate-k8s.mjs <node_modules dir> < objects.json
//
// Input: a JSON array of objects. Output: one line per object, "ok KIND/NAME" or
// "invalid KIND/NAME: reasons". Exit code 0 when every object is valid, 1 otherwise, 2 on bad use.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
if (!modules || !existsSync(join(modules, "kubernetes-models"))) {
  console.error(`usage: node validate-k8s.mjs <node_modules with kubernetes-models>; got ${modules}`);
  process.exit(2);
}

const packages = ["kubernetes-models", "@kubernetes-models/argo-cd", "@kubernetes-models/flux-cd"];

function modelFile(apiVersion, kind) {
  // Core objects ("v1") live in kubernetes-models/v1; the others in <group>/<version>.
  const parts = String(apiVersion).split("/");
  const dir = parts.length === 1 ? parts[0] : join(parts[0], parts[1]);
  for (const pkg of packages) {
    const file = join(modules, pkg, dir, `${kind}.js`);
    if (existsSync(file)) return file;
  }
  return null;
}

const objects = JSON.parse(readFileSync(0, "utf8"));
let invalid = 0;
for (const object of objects) {
  const id = `${object?.kind}/${object?.metadata?.name}`;
  const file = modelFile(object?.apiVersion, object?.kind);
  if (!file) {
    console.log(`invalid ${id}: no model for apiVersion ${object?.apiVersion} kind ${object?.kind}`);
    invalid++;
    continue;
  }
  const module = await import(pathToFileURL(file).href);
  const Model = module[object.kind] ?? module.default;
  try {
    new Model(object).validate();
    console.log(`ok ${id}`);
  } catch (error) {
    console.log(`invalid ${id}: ${error.message}`);
    invalid++;
  }
}
process.exit(invalid === 0 ? 0 : 1);
