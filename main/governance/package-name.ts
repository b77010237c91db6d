/** PEP 503 normalisation, so `Foo_Bar`, `foo.bar` and `foo-bar` are one package. */
export function normalisePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
