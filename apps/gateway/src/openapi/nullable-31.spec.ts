import { toNullTypes } from './nullable-31';

describe('toNullTypes (OpenAPI 3.0 nullable -> 3.1 null types)', () => {
  it('turns a nullable $ref (allOf) into a oneOf with null, which a strict validator accepts', () => {
    expect(toNullTypes({ nullable: true, allOf: [{ $ref: '#/components/schemas/JobError' }], description: 'd' })).toEqual({
      description: 'd',
      oneOf: [{ $ref: '#/components/schemas/JobError' }, { type: 'null' }],
    });
    expect(toNullTypes({ type: 'object', nullable: true, allOf: [{ $ref: '#/x' }] })).toEqual({ oneOf: [{ $ref: '#/x' }, { type: 'null' }] });
  });

  it('adds null to typed and enum schemas, deep inside the document, and drops nullable: false', () => {
    const converted = toNullTypes({
      components: {
        schemas: {
          A: { properties: { at: { type: 'string', format: 'date-time', nullable: true }, s: { type: 'string', enum: ['a', 'b'], nullable: true } } },
          B: { items: [{ type: 'integer', nullable: false }] },
        },
      },
    });
    expect(converted.components.schemas.A.properties).toEqual({
      at: { type: ['string', 'null'], format: 'date-time' },
      s: { type: ['string', 'null'], enum: ['a', 'b', null] },
    });
    expect(converted.components.schemas.B.items).toEqual([{ type: 'integer' }]);
  });
});
