/**
 * Just enough of JSON Schema 2020-12 to check the shipped schema against samples
 * (type, pattern, required, properties, additionalProperties, items, minimum, maximum, oneOf, local $ref).
 */
export type Schema = {
  readonly $ref?: string;
  readonly type?: string;
  readonly pattern?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly oneOf?: readonly Schema[];
  readonly $defs?: Readonly<Record<string, Schema>>;
};

const typeOf = (value: unknown): string =>
  Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : typeof value === 'number' && Number.isInteger(value)
        ? 'integer'
        : typeof value;

export function isValid(root: Schema, value: unknown, schema: Schema = root): boolean {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    return isValid(root, value, root.$defs![name]!);
  }
  const actual = typeOf(value);
  if (schema.type && !(schema.type === actual || (schema.type === 'number' && actual === 'integer'))) return false;
  if (schema.oneOf && schema.oneOf.filter((s) => isValid(root, value, s)).length !== 1) return false;
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return false;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (Array.isArray(value) && schema.items) return value.every((v) => isValid(root, v, schema.items));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    if (schema.required?.some((k) => !(k in object))) return false;
    for (const [key, v] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property ? !isValid(root, v, property) : schema.additionalProperties === false) return false;
    }
  }
  return true;
}
