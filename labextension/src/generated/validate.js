// Generated from matdiff_magic/schema/derivation.v1.schema.json by labextension/scripts/generate-contract.mjs: do not edit.
// Regenerate with `.venv/bin/python labextension/scripts/generate.py` (or `jlpm generate:contract` in labextension/).

const schema31 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://matdiff-magic.invalid/schema/derivation.v1.reader.schema.json',
  title: 'matdiff derivation (application/vnd.matdiff.derivation.v1+json)',
  description:
    'A derivation of a matrix derivative by the differential method: the contract between the Python package and the JupyterLab renderer. All *latex fields are TeX for MathJax; all *text fields are readable Unicode.',
  type: 'object',
  required: [
    'version',
    'source',
    'function',
    'wrt',
    'variables',
    'steps',
    'layout',
    'results',
    'check'
  ],
  properties: {
    version: { const: 1 },
    source: {
      type: 'string',
      description: 'The cell body the derivation was made from.'
    },
    function: {
      type: 'object',
      required: ['name', 'latex', 'text', 'shape'],
      properties: {
        name: { type: 'string' },
        latex: { type: 'string' },
        text: { type: 'string' },
        shape: { $ref: '#/$defs/shape' }
      }
    },
    wrt: {
      type: 'string',
      description: 'Name of the variable the derivative is taken with respect to.'
    },
    variables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'latex', 'kind', 'shape', 'declared'],
        properties: {
          name: { type: 'string' },
          latex: { type: 'string' },
          kind: {
            type: 'string',
            description:
              'One of scalar, vector, matrix, symmetric, or a newer one (shown as it is).'
          },
          shape: { $ref: '#/$defs/shape' },
          declared: {
            type: 'boolean',
            description: 'false when the kind came from the naming convention'
          }
        }
      }
    },
    where: {
      type: 'object',
      required: ['latex', 'text'],
      properties: {
        latex: { type: 'string' },
        text: { type: 'string' },
        label: {
          type: 'string',
          description:
            "The word the where line starts with, in the derivation's language. Absent: where."
        }
      }
    },
    names: {
      type: 'array',
      description:
        'The subexpressions the function, the steps and the results print by name (t₁, M₁, …), each defined once, in the order of the where line (which defines them too); a definition may use the names before it. Absent: the derivation names nothing.',
      items: {
        type: 'object',
        required: ['latex', 'text', 'definition'],
        properties: {
          latex: {
            type: 'string',
            description: 'The name as the TeX prints it: t_{1}.'
          },
          text: { type: 'string', description: 'The name as the text prints it: t₁.' },
          definition: {
            type: 'object',
            required: ['latex', 'text'],
            properties: { latex: { type: 'string' }, text: { type: 'string' } }
          }
        }
      }
    },
    steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    layout: { $ref: '#/$defs/layoutName' },
    results: {
      type: 'object',
      description:
        'The derivative in every layout, so a renderer can switch without a kernel.',
      required: ['numerator', 'denominator', 'mixed'],
      properties: {
        numerator: { $ref: '#/$defs/result' },
        denominator: { $ref: '#/$defs/result' },
        mixed: { $ref: '#/$defs/result' }
      }
    },
    check: {
      type: 'object',
      required: ['status', 'message'],
      properties: {
        status: { enum: ['passed', 'failed', 'skipped'] },
        max_rel_error: { type: ['number', 'null'] },
        message: { type: 'string' }
      }
    },
    latex: {
      type: 'string',
      description:
        'The whole derivation as one aligned TeX block (the text/latex fallback).'
    },
    lang: {
      enum: ['en', 'zh'],
      description:
        "The language of the derivation's wording (rules, notes, descriptions, the check); the mathematics is the same in every language. Absent: en."
    }
  },
  $defs: {
    layoutName: { enum: ['numerator', 'denominator', 'mixed'] },
    dim: {
      oneOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', minLength: 1 }
      ]
    },
    shape: { type: 'array', items: { $ref: '#/$defs/dim' }, minItems: 2, maxItems: 2 },
    step: {
      type: 'object',
      required: [
        'stage',
        'rule',
        'identity',
        'lhs',
        'latex',
        'latex_highlighted',
        'text',
        'changed'
      ],
      properties: {
        stage: {
          type: 'string',
          description:
            'One of function, definition, differential, trace, vec, readoff, layout, hessian, solve, or a newer one (shown as it is).'
        },
        rule: {
          type: 'string',
          description: "Short name of the rule, e.g. 'product rule'."
        },
        identity: {
          type: 'string',
          description:
            "The identity applied, in general form, as TeX ('' for the first line)."
        },
        identity_text: { type: 'string' },
        lhs: {
          type: 'string',
          description: 'TeX of the left-hand side of this line, e.g. \\mathrm{d}f.'
        },
        latex: { type: 'string', description: 'TeX of the expression after the step.' },
        latex_highlighted: {
          type: 'string',
          description: 'The same TeX with the part that changed wrapped in \\color.'
        },
        text: { type: 'string' },
        changed: {
          type: 'array',
          items: { type: 'string' },
          description:
            'TeX of each part that changed, as the line shows it: a shortened line (written with ⋯) lists the changed parts it shows.'
        },
        note: {
          type: 'string',
          description: "What moved where, for trace tricks, e.g. 'move b to the front'."
        }
      }
    },
    result: {
      type: 'object',
      required: ['lhs', 'latex', 'text', 'shape', 'description'],
      properties: {
        lhs: {
          type: 'string',
          description: 'TeX of the derivative symbol in this layout.'
        },
        latex: { type: 'string' },
        text: { type: 'string' },
        shape: { $ref: '#/$defs/shape' },
        description: {
          type: 'string',
          description: 'One sentence on what the layout means for this shape.'
        },
        rule: {
          type: 'string',
          description:
            "The rule of the final step in this layout, in the derivation's language. Absent: '<layout> layout'."
        }
      }
    }
  }
};
const schema34 = {
  type: 'object',
  required: [
    'stage',
    'rule',
    'identity',
    'lhs',
    'latex',
    'latex_highlighted',
    'text',
    'changed'
  ],
  properties: {
    stage: {
      type: 'string',
      description:
        'One of function, definition, differential, trace, vec, readoff, layout, hessian, solve, or a newer one (shown as it is).'
    },
    rule: {
      type: 'string',
      description: "Short name of the rule, e.g. 'product rule'."
    },
    identity: {
      type: 'string',
      description:
        "The identity applied, in general form, as TeX ('' for the first line)."
    },
    identity_text: { type: 'string' },
    lhs: {
      type: 'string',
      description: 'TeX of the left-hand side of this line, e.g. \\mathrm{d}f.'
    },
    latex: { type: 'string', description: 'TeX of the expression after the step.' },
    latex_highlighted: {
      type: 'string',
      description: 'The same TeX with the part that changed wrapped in \\color.'
    },
    text: { type: 'string' },
    changed: {
      type: 'array',
      items: { type: 'string' },
      description:
        'TeX of each part that changed, as the line shows it: a shortened line (written with ⋯) lists the changed parts it shows.'
    },
    note: {
      type: 'string',
      description: "What moved where, for trace tricks, e.g. 'move b to the front'."
    }
  }
};
const schema35 = { enum: ['numerator', 'denominator', 'mixed'] };
const schema32 = {
  type: 'array',
  items: { $ref: '#/$defs/dim' },
  minItems: 2,
  maxItems: 2
};
const schema33 = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', minLength: 1 }
  ]
};
const func1 = function ucs2length(str) {
  const len = str.length;
  let length = 0;
  let pos = 0;
  let value;
  while (pos < len) {
    length++;
    value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      // high surrogate, and there is a next character
      value = str.charCodeAt(pos);
      if ((value & 0xfc00) === 0xdc00) pos++; // low surrogate
    }
  }
  return length;
};
function validate21(
  data,
  {
    instancePath = '',
    parentData,
    parentDataProperty,
    rootData = data,
    dynamicAnchors = {}
  } = {}
) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate21.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (Array.isArray(data)) {
    if (data.length > 2) {
      const err0 = {
        instancePath,
        schemaPath: '#/maxItems',
        keyword: 'maxItems',
        params: { limit: 2 },
        message: 'must NOT have more than 2 items'
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.length < 2) {
      const err1 = {
        instancePath,
        schemaPath: '#/minItems',
        keyword: 'minItems',
        params: { limit: 2 },
        message: 'must NOT have fewer than 2 items'
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    const len0 = data.length;
    for (let i0 = 0; i0 < len0; i0++) {
      let data0 = data[i0];
      const _errs3 = errors;
      let valid3 = false;
      let passing0 = null;
      const _errs4 = errors;
      if (!(
        typeof data0 == 'number' &&
        !(data0 % 1) &&
        !isNaN(data0) &&
        isFinite(data0)
      )) {
        const err2 = {
          instancePath: instancePath + '/' + i0,
          schemaPath: '#/$defs/dim/oneOf/0/type',
          keyword: 'type',
          params: { type: 'integer' },
          message: 'must be integer'
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
      if (typeof data0 == 'number' && isFinite(data0)) {
        if (data0 < 1 || isNaN(data0)) {
          const err3 = {
            instancePath: instancePath + '/' + i0,
            schemaPath: '#/$defs/dim/oneOf/0/minimum',
            keyword: 'minimum',
            params: { comparison: '>=', limit: 1 },
            message: 'must be >= 1'
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
      var _valid0 = _errs4 === errors;
      if (_valid0) {
        valid3 = true;
        passing0 = 0;
      }
      const _errs6 = errors;
      if (typeof data0 === 'string') {
        if (func1(data0) < 1) {
          const err4 = {
            instancePath: instancePath + '/' + i0,
            schemaPath: '#/$defs/dim/oneOf/1/minLength',
            keyword: 'minLength',
            params: { limit: 1 },
            message: 'must NOT have fewer than 1 characters'
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      } else {
        const err5 = {
          instancePath: instancePath + '/' + i0,
          schemaPath: '#/$defs/dim/oneOf/1/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
      var _valid0 = _errs6 === errors;
      if (_valid0 && valid3) {
        valid3 = false;
        passing0 = [passing0, 1];
      } else {
        if (_valid0) {
          valid3 = true;
          passing0 = 1;
        }
      }
      if (!valid3) {
        const err6 = {
          instancePath: instancePath + '/' + i0,
          schemaPath: '#/$defs/dim/oneOf',
          keyword: 'oneOf',
          params: { passingSchemas: passing0 },
          message: 'must match exactly one schema in oneOf'
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      } else {
        errors = _errs3;
        if (vErrors !== null) {
          if (_errs3) {
            vErrors.length = _errs3;
          } else {
            vErrors = null;
          }
        }
      }
    }
  } else {
    const err7 = {
      instancePath,
      schemaPath: '#/type',
      keyword: 'type',
      params: { type: 'array' },
      message: 'must be array'
    };
    if (vErrors === null) {
      vErrors = [err7];
    } else {
      vErrors.push(err7);
    }
    errors++;
  }
  validate21.errors = vErrors;
  return errors === 0;
}
validate21.evaluated = { items: true, dynamicProps: false, dynamicItems: false };
const schema36 = {
  type: 'object',
  required: ['lhs', 'latex', 'text', 'shape', 'description'],
  properties: {
    lhs: {
      type: 'string',
      description: 'TeX of the derivative symbol in this layout.'
    },
    latex: { type: 'string' },
    text: { type: 'string' },
    shape: { $ref: '#/$defs/shape' },
    description: {
      type: 'string',
      description: 'One sentence on what the layout means for this shape.'
    },
    rule: {
      type: 'string',
      description:
        "The rule of the final step in this layout, in the derivation's language. Absent: '<layout> layout'."
    }
  }
};
function validate24(
  data,
  {
    instancePath = '',
    parentData,
    parentDataProperty,
    rootData = data,
    dynamicAnchors = {}
  } = {}
) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate24.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == 'object' && !Array.isArray(data)) {
    if (data.lhs === undefined) {
      const err0 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'lhs' },
        message: "must have required property '" + 'lhs' + "'"
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.latex === undefined) {
      const err1 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'latex' },
        message: "must have required property '" + 'latex' + "'"
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.text === undefined) {
      const err2 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'text' },
        message: "must have required property '" + 'text' + "'"
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.shape === undefined) {
      const err3 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'shape' },
        message: "must have required property '" + 'shape' + "'"
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.description === undefined) {
      const err4 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'description' },
        message: "must have required property '" + 'description' + "'"
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.lhs !== undefined) {
      if (typeof data.lhs !== 'string') {
        const err5 = {
          instancePath: instancePath + '/lhs',
          schemaPath: '#/properties/lhs/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.latex !== undefined) {
      if (typeof data.latex !== 'string') {
        const err6 = {
          instancePath: instancePath + '/latex',
          schemaPath: '#/properties/latex/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.text !== undefined) {
      if (typeof data.text !== 'string') {
        const err7 = {
          instancePath: instancePath + '/text',
          schemaPath: '#/properties/text/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    if (data.shape !== undefined) {
      if (
        !validate21(data.shape, {
          instancePath: instancePath + '/shape',
          parentData: data,
          parentDataProperty: 'shape',
          rootData,
          dynamicAnchors
        })
      ) {
        vErrors =
          vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
        errors = vErrors.length;
      }
    }
    if (data.description !== undefined) {
      if (typeof data.description !== 'string') {
        const err8 = {
          instancePath: instancePath + '/description',
          schemaPath: '#/properties/description/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    if (data.rule !== undefined) {
      if (typeof data.rule !== 'string') {
        const err9 = {
          instancePath: instancePath + '/rule',
          schemaPath: '#/properties/rule/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
  } else {
    const err10 = {
      instancePath,
      schemaPath: '#/type',
      keyword: 'type',
      params: { type: 'object' },
      message: 'must be object'
    };
    if (vErrors === null) {
      vErrors = [err10];
    } else {
      vErrors.push(err10);
    }
    errors++;
  }
  validate24.errors = vErrors;
  return errors === 0;
}
validate24.evaluated = {
  props: {
    lhs: true,
    latex: true,
    text: true,
    shape: true,
    description: true,
    rule: true
  },
  dynamicProps: false,
  dynamicItems: false
};
function validate20(
  data,
  {
    instancePath = '',
    parentData,
    parentDataProperty,
    rootData = data,
    dynamicAnchors = {}
  } = {}
) {
  /*# sourceURL="https://matdiff-magic.invalid/schema/derivation.v1.reader.schema.json" */ let vErrors =
    null;
  let errors = 0;
  const evaluated0 = validate20.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == 'object' && !Array.isArray(data)) {
    if (data.version === undefined) {
      const err0 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'version' },
        message: "must have required property '" + 'version' + "'"
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.source === undefined) {
      const err1 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'source' },
        message: "must have required property '" + 'source' + "'"
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.function === undefined) {
      const err2 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'function' },
        message: "must have required property '" + 'function' + "'"
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (data.wrt === undefined) {
      const err3 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'wrt' },
        message: "must have required property '" + 'wrt' + "'"
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    if (data.variables === undefined) {
      const err4 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'variables' },
        message: "must have required property '" + 'variables' + "'"
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (data.steps === undefined) {
      const err5 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'steps' },
        message: "must have required property '" + 'steps' + "'"
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    if (data.layout === undefined) {
      const err6 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'layout' },
        message: "must have required property '" + 'layout' + "'"
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.results === undefined) {
      const err7 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'results' },
        message: "must have required property '" + 'results' + "'"
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (data.check === undefined) {
      const err8 = {
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'check' },
        message: "must have required property '" + 'check' + "'"
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (data.version !== undefined) {
      if (1 !== data.version) {
        const err9 = {
          instancePath: instancePath + '/version',
          schemaPath: '#/properties/version/const',
          keyword: 'const',
          params: { allowedValue: 1 },
          message: 'must be equal to constant'
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (data.source !== undefined) {
      if (typeof data.source !== 'string') {
        const err10 = {
          instancePath: instancePath + '/source',
          schemaPath: '#/properties/source/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (data.function !== undefined) {
      let data2 = data.function;
      if (data2 && typeof data2 == 'object' && !Array.isArray(data2)) {
        if (data2.name === undefined) {
          const err11 = {
            instancePath: instancePath + '/function',
            schemaPath: '#/properties/function/required',
            keyword: 'required',
            params: { missingProperty: 'name' },
            message: "must have required property '" + 'name' + "'"
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
        if (data2.latex === undefined) {
          const err12 = {
            instancePath: instancePath + '/function',
            schemaPath: '#/properties/function/required',
            keyword: 'required',
            params: { missingProperty: 'latex' },
            message: "must have required property '" + 'latex' + "'"
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
        if (data2.text === undefined) {
          const err13 = {
            instancePath: instancePath + '/function',
            schemaPath: '#/properties/function/required',
            keyword: 'required',
            params: { missingProperty: 'text' },
            message: "must have required property '" + 'text' + "'"
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
        if (data2.shape === undefined) {
          const err14 = {
            instancePath: instancePath + '/function',
            schemaPath: '#/properties/function/required',
            keyword: 'required',
            params: { missingProperty: 'shape' },
            message: "must have required property '" + 'shape' + "'"
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
        if (data2.name !== undefined) {
          if (typeof data2.name !== 'string') {
            const err15 = {
              instancePath: instancePath + '/function/name',
              schemaPath: '#/properties/function/properties/name/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err15];
            } else {
              vErrors.push(err15);
            }
            errors++;
          }
        }
        if (data2.latex !== undefined) {
          if (typeof data2.latex !== 'string') {
            const err16 = {
              instancePath: instancePath + '/function/latex',
              schemaPath: '#/properties/function/properties/latex/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err16];
            } else {
              vErrors.push(err16);
            }
            errors++;
          }
        }
        if (data2.text !== undefined) {
          if (typeof data2.text !== 'string') {
            const err17 = {
              instancePath: instancePath + '/function/text',
              schemaPath: '#/properties/function/properties/text/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err17];
            } else {
              vErrors.push(err17);
            }
            errors++;
          }
        }
        if (data2.shape !== undefined) {
          if (
            !validate21(data2.shape, {
              instancePath: instancePath + '/function/shape',
              parentData: data2,
              parentDataProperty: 'shape',
              rootData,
              dynamicAnchors
            })
          ) {
            vErrors =
              vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
            errors = vErrors.length;
          }
        }
      } else {
        const err18 = {
          instancePath: instancePath + '/function',
          schemaPath: '#/properties/function/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object'
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    if (data.wrt !== undefined) {
      if (typeof data.wrt !== 'string') {
        const err19 = {
          instancePath: instancePath + '/wrt',
          schemaPath: '#/properties/wrt/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err19];
        } else {
          vErrors.push(err19);
        }
        errors++;
      }
    }
    if (data.variables !== undefined) {
      let data8 = data.variables;
      if (Array.isArray(data8)) {
        const len0 = data8.length;
        for (let i0 = 0; i0 < len0; i0++) {
          let data9 = data8[i0];
          if (data9 && typeof data9 == 'object' && !Array.isArray(data9)) {
            if (data9.name === undefined) {
              const err20 = {
                instancePath: instancePath + '/variables/' + i0,
                schemaPath: '#/properties/variables/items/required',
                keyword: 'required',
                params: { missingProperty: 'name' },
                message: "must have required property '" + 'name' + "'"
              };
              if (vErrors === null) {
                vErrors = [err20];
              } else {
                vErrors.push(err20);
              }
              errors++;
            }
            if (data9.latex === undefined) {
              const err21 = {
                instancePath: instancePath + '/variables/' + i0,
                schemaPath: '#/properties/variables/items/required',
                keyword: 'required',
                params: { missingProperty: 'latex' },
                message: "must have required property '" + 'latex' + "'"
              };
              if (vErrors === null) {
                vErrors = [err21];
              } else {
                vErrors.push(err21);
              }
              errors++;
            }
            if (data9.kind === undefined) {
              const err22 = {
                instancePath: instancePath + '/variables/' + i0,
                schemaPath: '#/properties/variables/items/required',
                keyword: 'required',
                params: { missingProperty: 'kind' },
                message: "must have required property '" + 'kind' + "'"
              };
              if (vErrors === null) {
                vErrors = [err22];
              } else {
                vErrors.push(err22);
              }
              errors++;
            }
            if (data9.shape === undefined) {
              const err23 = {
                instancePath: instancePath + '/variables/' + i0,
                schemaPath: '#/properties/variables/items/required',
                keyword: 'required',
                params: { missingProperty: 'shape' },
                message: "must have required property '" + 'shape' + "'"
              };
              if (vErrors === null) {
                vErrors = [err23];
              } else {
                vErrors.push(err23);
              }
              errors++;
            }
            if (data9.declared === undefined) {
              const err24 = {
                instancePath: instancePath + '/variables/' + i0,
                schemaPath: '#/properties/variables/items/required',
                keyword: 'required',
                params: { missingProperty: 'declared' },
                message: "must have required property '" + 'declared' + "'"
              };
              if (vErrors === null) {
                vErrors = [err24];
              } else {
                vErrors.push(err24);
              }
              errors++;
            }
            if (data9.name !== undefined) {
              if (typeof data9.name !== 'string') {
                const err25 = {
                  instancePath: instancePath + '/variables/' + i0 + '/name',
                  schemaPath: '#/properties/variables/items/properties/name/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err25];
                } else {
                  vErrors.push(err25);
                }
                errors++;
              }
            }
            if (data9.latex !== undefined) {
              if (typeof data9.latex !== 'string') {
                const err26 = {
                  instancePath: instancePath + '/variables/' + i0 + '/latex',
                  schemaPath: '#/properties/variables/items/properties/latex/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err26];
                } else {
                  vErrors.push(err26);
                }
                errors++;
              }
            }
            if (data9.kind !== undefined) {
              if (typeof data9.kind !== 'string') {
                const err27 = {
                  instancePath: instancePath + '/variables/' + i0 + '/kind',
                  schemaPath: '#/properties/variables/items/properties/kind/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err27];
                } else {
                  vErrors.push(err27);
                }
                errors++;
              }
            }
            if (data9.shape !== undefined) {
              if (
                !validate21(data9.shape, {
                  instancePath: instancePath + '/variables/' + i0 + '/shape',
                  parentData: data9,
                  parentDataProperty: 'shape',
                  rootData,
                  dynamicAnchors
                })
              ) {
                vErrors =
                  vErrors === null
                    ? validate21.errors
                    : vErrors.concat(validate21.errors);
                errors = vErrors.length;
              }
            }
            if (data9.declared !== undefined) {
              if (typeof data9.declared !== 'boolean') {
                const err28 = {
                  instancePath: instancePath + '/variables/' + i0 + '/declared',
                  schemaPath: '#/properties/variables/items/properties/declared/type',
                  keyword: 'type',
                  params: { type: 'boolean' },
                  message: 'must be boolean'
                };
                if (vErrors === null) {
                  vErrors = [err28];
                } else {
                  vErrors.push(err28);
                }
                errors++;
              }
            }
          } else {
            const err29 = {
              instancePath: instancePath + '/variables/' + i0,
              schemaPath: '#/properties/variables/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object'
            };
            if (vErrors === null) {
              vErrors = [err29];
            } else {
              vErrors.push(err29);
            }
            errors++;
          }
        }
      } else {
        const err30 = {
          instancePath: instancePath + '/variables',
          schemaPath: '#/properties/variables/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array'
        };
        if (vErrors === null) {
          vErrors = [err30];
        } else {
          vErrors.push(err30);
        }
        errors++;
      }
    }
    if (data.where !== undefined) {
      let data15 = data.where;
      if (data15 && typeof data15 == 'object' && !Array.isArray(data15)) {
        if (data15.latex === undefined) {
          const err31 = {
            instancePath: instancePath + '/where',
            schemaPath: '#/properties/where/required',
            keyword: 'required',
            params: { missingProperty: 'latex' },
            message: "must have required property '" + 'latex' + "'"
          };
          if (vErrors === null) {
            vErrors = [err31];
          } else {
            vErrors.push(err31);
          }
          errors++;
        }
        if (data15.text === undefined) {
          const err32 = {
            instancePath: instancePath + '/where',
            schemaPath: '#/properties/where/required',
            keyword: 'required',
            params: { missingProperty: 'text' },
            message: "must have required property '" + 'text' + "'"
          };
          if (vErrors === null) {
            vErrors = [err32];
          } else {
            vErrors.push(err32);
          }
          errors++;
        }
        if (data15.latex !== undefined) {
          if (typeof data15.latex !== 'string') {
            const err33 = {
              instancePath: instancePath + '/where/latex',
              schemaPath: '#/properties/where/properties/latex/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err33];
            } else {
              vErrors.push(err33);
            }
            errors++;
          }
        }
        if (data15.text !== undefined) {
          if (typeof data15.text !== 'string') {
            const err34 = {
              instancePath: instancePath + '/where/text',
              schemaPath: '#/properties/where/properties/text/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err34];
            } else {
              vErrors.push(err34);
            }
            errors++;
          }
        }
        if (data15.label !== undefined) {
          if (typeof data15.label !== 'string') {
            const err35 = {
              instancePath: instancePath + '/where/label',
              schemaPath: '#/properties/where/properties/label/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err35];
            } else {
              vErrors.push(err35);
            }
            errors++;
          }
        }
      } else {
        const err36 = {
          instancePath: instancePath + '/where',
          schemaPath: '#/properties/where/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object'
        };
        if (vErrors === null) {
          vErrors = [err36];
        } else {
          vErrors.push(err36);
        }
        errors++;
      }
    }
    if (data.names !== undefined) {
      let data19 = data.names;
      if (Array.isArray(data19)) {
        const len1 = data19.length;
        for (let i1 = 0; i1 < len1; i1++) {
          let data20 = data19[i1];
          if (data20 && typeof data20 == 'object' && !Array.isArray(data20)) {
            if (data20.latex === undefined) {
              const err37 = {
                instancePath: instancePath + '/names/' + i1,
                schemaPath: '#/properties/names/items/required',
                keyword: 'required',
                params: { missingProperty: 'latex' },
                message: "must have required property '" + 'latex' + "'"
              };
              if (vErrors === null) {
                vErrors = [err37];
              } else {
                vErrors.push(err37);
              }
              errors++;
            }
            if (data20.text === undefined) {
              const err38 = {
                instancePath: instancePath + '/names/' + i1,
                schemaPath: '#/properties/names/items/required',
                keyword: 'required',
                params: { missingProperty: 'text' },
                message: "must have required property '" + 'text' + "'"
              };
              if (vErrors === null) {
                vErrors = [err38];
              } else {
                vErrors.push(err38);
              }
              errors++;
            }
            if (data20.definition === undefined) {
              const err39 = {
                instancePath: instancePath + '/names/' + i1,
                schemaPath: '#/properties/names/items/required',
                keyword: 'required',
                params: { missingProperty: 'definition' },
                message: "must have required property '" + 'definition' + "'"
              };
              if (vErrors === null) {
                vErrors = [err39];
              } else {
                vErrors.push(err39);
              }
              errors++;
            }
            if (data20.latex !== undefined) {
              if (typeof data20.latex !== 'string') {
                const err40 = {
                  instancePath: instancePath + '/names/' + i1 + '/latex',
                  schemaPath: '#/properties/names/items/properties/latex/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err40];
                } else {
                  vErrors.push(err40);
                }
                errors++;
              }
            }
            if (data20.text !== undefined) {
              if (typeof data20.text !== 'string') {
                const err41 = {
                  instancePath: instancePath + '/names/' + i1 + '/text',
                  schemaPath: '#/properties/names/items/properties/text/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err41];
                } else {
                  vErrors.push(err41);
                }
                errors++;
              }
            }
            if (data20.definition !== undefined) {
              let data23 = data20.definition;
              if (data23 && typeof data23 == 'object' && !Array.isArray(data23)) {
                if (data23.latex === undefined) {
                  const err42 = {
                    instancePath: instancePath + '/names/' + i1 + '/definition',
                    schemaPath:
                      '#/properties/names/items/properties/definition/required',
                    keyword: 'required',
                    params: { missingProperty: 'latex' },
                    message: "must have required property '" + 'latex' + "'"
                  };
                  if (vErrors === null) {
                    vErrors = [err42];
                  } else {
                    vErrors.push(err42);
                  }
                  errors++;
                }
                if (data23.text === undefined) {
                  const err43 = {
                    instancePath: instancePath + '/names/' + i1 + '/definition',
                    schemaPath:
                      '#/properties/names/items/properties/definition/required',
                    keyword: 'required',
                    params: { missingProperty: 'text' },
                    message: "must have required property '" + 'text' + "'"
                  };
                  if (vErrors === null) {
                    vErrors = [err43];
                  } else {
                    vErrors.push(err43);
                  }
                  errors++;
                }
                if (data23.latex !== undefined) {
                  if (typeof data23.latex !== 'string') {
                    const err44 = {
                      instancePath: instancePath + '/names/' + i1 + '/definition/latex',
                      schemaPath:
                        '#/properties/names/items/properties/definition/properties/latex/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string'
                    };
                    if (vErrors === null) {
                      vErrors = [err44];
                    } else {
                      vErrors.push(err44);
                    }
                    errors++;
                  }
                }
                if (data23.text !== undefined) {
                  if (typeof data23.text !== 'string') {
                    const err45 = {
                      instancePath: instancePath + '/names/' + i1 + '/definition/text',
                      schemaPath:
                        '#/properties/names/items/properties/definition/properties/text/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string'
                    };
                    if (vErrors === null) {
                      vErrors = [err45];
                    } else {
                      vErrors.push(err45);
                    }
                    errors++;
                  }
                }
              } else {
                const err46 = {
                  instancePath: instancePath + '/names/' + i1 + '/definition',
                  schemaPath: '#/properties/names/items/properties/definition/type',
                  keyword: 'type',
                  params: { type: 'object' },
                  message: 'must be object'
                };
                if (vErrors === null) {
                  vErrors = [err46];
                } else {
                  vErrors.push(err46);
                }
                errors++;
              }
            }
          } else {
            const err47 = {
              instancePath: instancePath + '/names/' + i1,
              schemaPath: '#/properties/names/items/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object'
            };
            if (vErrors === null) {
              vErrors = [err47];
            } else {
              vErrors.push(err47);
            }
            errors++;
          }
        }
      } else {
        const err48 = {
          instancePath: instancePath + '/names',
          schemaPath: '#/properties/names/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array'
        };
        if (vErrors === null) {
          vErrors = [err48];
        } else {
          vErrors.push(err48);
        }
        errors++;
      }
    }
    if (data.steps !== undefined) {
      let data26 = data.steps;
      if (Array.isArray(data26)) {
        if (data26.length < 1) {
          const err49 = {
            instancePath: instancePath + '/steps',
            schemaPath: '#/properties/steps/minItems',
            keyword: 'minItems',
            params: { limit: 1 },
            message: 'must NOT have fewer than 1 items'
          };
          if (vErrors === null) {
            vErrors = [err49];
          } else {
            vErrors.push(err49);
          }
          errors++;
        }
        const len2 = data26.length;
        for (let i2 = 0; i2 < len2; i2++) {
          let data27 = data26[i2];
          if (data27 && typeof data27 == 'object' && !Array.isArray(data27)) {
            if (data27.stage === undefined) {
              const err50 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'stage' },
                message: "must have required property '" + 'stage' + "'"
              };
              if (vErrors === null) {
                vErrors = [err50];
              } else {
                vErrors.push(err50);
              }
              errors++;
            }
            if (data27.rule === undefined) {
              const err51 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'rule' },
                message: "must have required property '" + 'rule' + "'"
              };
              if (vErrors === null) {
                vErrors = [err51];
              } else {
                vErrors.push(err51);
              }
              errors++;
            }
            if (data27.identity === undefined) {
              const err52 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'identity' },
                message: "must have required property '" + 'identity' + "'"
              };
              if (vErrors === null) {
                vErrors = [err52];
              } else {
                vErrors.push(err52);
              }
              errors++;
            }
            if (data27.lhs === undefined) {
              const err53 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'lhs' },
                message: "must have required property '" + 'lhs' + "'"
              };
              if (vErrors === null) {
                vErrors = [err53];
              } else {
                vErrors.push(err53);
              }
              errors++;
            }
            if (data27.latex === undefined) {
              const err54 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'latex' },
                message: "must have required property '" + 'latex' + "'"
              };
              if (vErrors === null) {
                vErrors = [err54];
              } else {
                vErrors.push(err54);
              }
              errors++;
            }
            if (data27.latex_highlighted === undefined) {
              const err55 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'latex_highlighted' },
                message: "must have required property '" + 'latex_highlighted' + "'"
              };
              if (vErrors === null) {
                vErrors = [err55];
              } else {
                vErrors.push(err55);
              }
              errors++;
            }
            if (data27.text === undefined) {
              const err56 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'text' },
                message: "must have required property '" + 'text' + "'"
              };
              if (vErrors === null) {
                vErrors = [err56];
              } else {
                vErrors.push(err56);
              }
              errors++;
            }
            if (data27.changed === undefined) {
              const err57 = {
                instancePath: instancePath + '/steps/' + i2,
                schemaPath: '#/$defs/step/required',
                keyword: 'required',
                params: { missingProperty: 'changed' },
                message: "must have required property '" + 'changed' + "'"
              };
              if (vErrors === null) {
                vErrors = [err57];
              } else {
                vErrors.push(err57);
              }
              errors++;
            }
            if (data27.stage !== undefined) {
              if (typeof data27.stage !== 'string') {
                const err58 = {
                  instancePath: instancePath + '/steps/' + i2 + '/stage',
                  schemaPath: '#/$defs/step/properties/stage/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err58];
                } else {
                  vErrors.push(err58);
                }
                errors++;
              }
            }
            if (data27.rule !== undefined) {
              if (typeof data27.rule !== 'string') {
                const err59 = {
                  instancePath: instancePath + '/steps/' + i2 + '/rule',
                  schemaPath: '#/$defs/step/properties/rule/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err59];
                } else {
                  vErrors.push(err59);
                }
                errors++;
              }
            }
            if (data27.identity !== undefined) {
              if (typeof data27.identity !== 'string') {
                const err60 = {
                  instancePath: instancePath + '/steps/' + i2 + '/identity',
                  schemaPath: '#/$defs/step/properties/identity/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err60];
                } else {
                  vErrors.push(err60);
                }
                errors++;
              }
            }
            if (data27.identity_text !== undefined) {
              if (typeof data27.identity_text !== 'string') {
                const err61 = {
                  instancePath: instancePath + '/steps/' + i2 + '/identity_text',
                  schemaPath: '#/$defs/step/properties/identity_text/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err61];
                } else {
                  vErrors.push(err61);
                }
                errors++;
              }
            }
            if (data27.lhs !== undefined) {
              if (typeof data27.lhs !== 'string') {
                const err62 = {
                  instancePath: instancePath + '/steps/' + i2 + '/lhs',
                  schemaPath: '#/$defs/step/properties/lhs/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err62];
                } else {
                  vErrors.push(err62);
                }
                errors++;
              }
            }
            if (data27.latex !== undefined) {
              if (typeof data27.latex !== 'string') {
                const err63 = {
                  instancePath: instancePath + '/steps/' + i2 + '/latex',
                  schemaPath: '#/$defs/step/properties/latex/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err63];
                } else {
                  vErrors.push(err63);
                }
                errors++;
              }
            }
            if (data27.latex_highlighted !== undefined) {
              if (typeof data27.latex_highlighted !== 'string') {
                const err64 = {
                  instancePath: instancePath + '/steps/' + i2 + '/latex_highlighted',
                  schemaPath: '#/$defs/step/properties/latex_highlighted/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err64];
                } else {
                  vErrors.push(err64);
                }
                errors++;
              }
            }
            if (data27.text !== undefined) {
              if (typeof data27.text !== 'string') {
                const err65 = {
                  instancePath: instancePath + '/steps/' + i2 + '/text',
                  schemaPath: '#/$defs/step/properties/text/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err65];
                } else {
                  vErrors.push(err65);
                }
                errors++;
              }
            }
            if (data27.changed !== undefined) {
              let data36 = data27.changed;
              if (Array.isArray(data36)) {
                const len3 = data36.length;
                for (let i3 = 0; i3 < len3; i3++) {
                  if (typeof data36[i3] !== 'string') {
                    const err66 = {
                      instancePath: instancePath + '/steps/' + i2 + '/changed/' + i3,
                      schemaPath: '#/$defs/step/properties/changed/items/type',
                      keyword: 'type',
                      params: { type: 'string' },
                      message: 'must be string'
                    };
                    if (vErrors === null) {
                      vErrors = [err66];
                    } else {
                      vErrors.push(err66);
                    }
                    errors++;
                  }
                }
              } else {
                const err67 = {
                  instancePath: instancePath + '/steps/' + i2 + '/changed',
                  schemaPath: '#/$defs/step/properties/changed/type',
                  keyword: 'type',
                  params: { type: 'array' },
                  message: 'must be array'
                };
                if (vErrors === null) {
                  vErrors = [err67];
                } else {
                  vErrors.push(err67);
                }
                errors++;
              }
            }
            if (data27.note !== undefined) {
              if (typeof data27.note !== 'string') {
                const err68 = {
                  instancePath: instancePath + '/steps/' + i2 + '/note',
                  schemaPath: '#/$defs/step/properties/note/type',
                  keyword: 'type',
                  params: { type: 'string' },
                  message: 'must be string'
                };
                if (vErrors === null) {
                  vErrors = [err68];
                } else {
                  vErrors.push(err68);
                }
                errors++;
              }
            }
          } else {
            const err69 = {
              instancePath: instancePath + '/steps/' + i2,
              schemaPath: '#/$defs/step/type',
              keyword: 'type',
              params: { type: 'object' },
              message: 'must be object'
            };
            if (vErrors === null) {
              vErrors = [err69];
            } else {
              vErrors.push(err69);
            }
            errors++;
          }
        }
      } else {
        const err70 = {
          instancePath: instancePath + '/steps',
          schemaPath: '#/properties/steps/type',
          keyword: 'type',
          params: { type: 'array' },
          message: 'must be array'
        };
        if (vErrors === null) {
          vErrors = [err70];
        } else {
          vErrors.push(err70);
        }
        errors++;
      }
    }
    if (data.layout !== undefined) {
      let data39 = data.layout;
      if (!(data39 === 'numerator' || data39 === 'denominator' || data39 === 'mixed')) {
        const err71 = {
          instancePath: instancePath + '/layout',
          schemaPath: '#/$defs/layoutName/enum',
          keyword: 'enum',
          params: { allowedValues: schema35.enum },
          message: 'must be equal to one of the allowed values'
        };
        if (vErrors === null) {
          vErrors = [err71];
        } else {
          vErrors.push(err71);
        }
        errors++;
      }
    }
    if (data.results !== undefined) {
      let data40 = data.results;
      if (data40 && typeof data40 == 'object' && !Array.isArray(data40)) {
        if (data40.numerator === undefined) {
          const err72 = {
            instancePath: instancePath + '/results',
            schemaPath: '#/properties/results/required',
            keyword: 'required',
            params: { missingProperty: 'numerator' },
            message: "must have required property '" + 'numerator' + "'"
          };
          if (vErrors === null) {
            vErrors = [err72];
          } else {
            vErrors.push(err72);
          }
          errors++;
        }
        if (data40.denominator === undefined) {
          const err73 = {
            instancePath: instancePath + '/results',
            schemaPath: '#/properties/results/required',
            keyword: 'required',
            params: { missingProperty: 'denominator' },
            message: "must have required property '" + 'denominator' + "'"
          };
          if (vErrors === null) {
            vErrors = [err73];
          } else {
            vErrors.push(err73);
          }
          errors++;
        }
        if (data40.mixed === undefined) {
          const err74 = {
            instancePath: instancePath + '/results',
            schemaPath: '#/properties/results/required',
            keyword: 'required',
            params: { missingProperty: 'mixed' },
            message: "must have required property '" + 'mixed' + "'"
          };
          if (vErrors === null) {
            vErrors = [err74];
          } else {
            vErrors.push(err74);
          }
          errors++;
        }
        if (data40.numerator !== undefined) {
          if (
            !validate24(data40.numerator, {
              instancePath: instancePath + '/results/numerator',
              parentData: data40,
              parentDataProperty: 'numerator',
              rootData,
              dynamicAnchors
            })
          ) {
            vErrors =
              vErrors === null ? validate24.errors : vErrors.concat(validate24.errors);
            errors = vErrors.length;
          }
        }
        if (data40.denominator !== undefined) {
          if (
            !validate24(data40.denominator, {
              instancePath: instancePath + '/results/denominator',
              parentData: data40,
              parentDataProperty: 'denominator',
              rootData,
              dynamicAnchors
            })
          ) {
            vErrors =
              vErrors === null ? validate24.errors : vErrors.concat(validate24.errors);
            errors = vErrors.length;
          }
        }
        if (data40.mixed !== undefined) {
          if (
            !validate24(data40.mixed, {
              instancePath: instancePath + '/results/mixed',
              parentData: data40,
              parentDataProperty: 'mixed',
              rootData,
              dynamicAnchors
            })
          ) {
            vErrors =
              vErrors === null ? validate24.errors : vErrors.concat(validate24.errors);
            errors = vErrors.length;
          }
        }
      } else {
        const err75 = {
          instancePath: instancePath + '/results',
          schemaPath: '#/properties/results/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object'
        };
        if (vErrors === null) {
          vErrors = [err75];
        } else {
          vErrors.push(err75);
        }
        errors++;
      }
    }
    if (data.check !== undefined) {
      let data44 = data.check;
      if (data44 && typeof data44 == 'object' && !Array.isArray(data44)) {
        if (data44.status === undefined) {
          const err76 = {
            instancePath: instancePath + '/check',
            schemaPath: '#/properties/check/required',
            keyword: 'required',
            params: { missingProperty: 'status' },
            message: "must have required property '" + 'status' + "'"
          };
          if (vErrors === null) {
            vErrors = [err76];
          } else {
            vErrors.push(err76);
          }
          errors++;
        }
        if (data44.message === undefined) {
          const err77 = {
            instancePath: instancePath + '/check',
            schemaPath: '#/properties/check/required',
            keyword: 'required',
            params: { missingProperty: 'message' },
            message: "must have required property '" + 'message' + "'"
          };
          if (vErrors === null) {
            vErrors = [err77];
          } else {
            vErrors.push(err77);
          }
          errors++;
        }
        if (data44.status !== undefined) {
          let data45 = data44.status;
          if (!(data45 === 'passed' || data45 === 'failed' || data45 === 'skipped')) {
            const err78 = {
              instancePath: instancePath + '/check/status',
              schemaPath: '#/properties/check/properties/status/enum',
              keyword: 'enum',
              params: {
                allowedValues: schema31.properties.check.properties.status.enum
              },
              message: 'must be equal to one of the allowed values'
            };
            if (vErrors === null) {
              vErrors = [err78];
            } else {
              vErrors.push(err78);
            }
            errors++;
          }
        }
        if (data44.max_rel_error !== undefined) {
          let data46 = data44.max_rel_error;
          if (!(typeof data46 == 'number' && isFinite(data46)) && data46 !== null) {
            const err79 = {
              instancePath: instancePath + '/check/max_rel_error',
              schemaPath: '#/properties/check/properties/max_rel_error/type',
              keyword: 'type',
              params: { type: schema31.properties.check.properties.max_rel_error.type },
              message: 'must be number,null'
            };
            if (vErrors === null) {
              vErrors = [err79];
            } else {
              vErrors.push(err79);
            }
            errors++;
          }
        }
        if (data44.message !== undefined) {
          if (typeof data44.message !== 'string') {
            const err80 = {
              instancePath: instancePath + '/check/message',
              schemaPath: '#/properties/check/properties/message/type',
              keyword: 'type',
              params: { type: 'string' },
              message: 'must be string'
            };
            if (vErrors === null) {
              vErrors = [err80];
            } else {
              vErrors.push(err80);
            }
            errors++;
          }
        }
      } else {
        const err81 = {
          instancePath: instancePath + '/check',
          schemaPath: '#/properties/check/type',
          keyword: 'type',
          params: { type: 'object' },
          message: 'must be object'
        };
        if (vErrors === null) {
          vErrors = [err81];
        } else {
          vErrors.push(err81);
        }
        errors++;
      }
    }
    if (data.latex !== undefined) {
      if (typeof data.latex !== 'string') {
        const err82 = {
          instancePath: instancePath + '/latex',
          schemaPath: '#/properties/latex/type',
          keyword: 'type',
          params: { type: 'string' },
          message: 'must be string'
        };
        if (vErrors === null) {
          vErrors = [err82];
        } else {
          vErrors.push(err82);
        }
        errors++;
      }
    }
    if (data.lang !== undefined) {
      let data49 = data.lang;
      if (!(data49 === 'en' || data49 === 'zh')) {
        const err83 = {
          instancePath: instancePath + '/lang',
          schemaPath: '#/properties/lang/enum',
          keyword: 'enum',
          params: { allowedValues: schema31.properties.lang.enum },
          message: 'must be equal to one of the allowed values'
        };
        if (vErrors === null) {
          vErrors = [err83];
        } else {
          vErrors.push(err83);
        }
        errors++;
      }
    }
  } else {
    const err84 = {
      instancePath,
      schemaPath: '#/type',
      keyword: 'type',
      params: { type: 'object' },
      message: 'must be object'
    };
    if (vErrors === null) {
      vErrors = [err84];
    } else {
      vErrors.push(err84);
    }
    errors++;
  }
  validate20.errors = vErrors;
  return errors === 0;
}
validate20.evaluated = {
  props: {
    version: true,
    source: true,
    function: true,
    wrt: true,
    variables: true,
    where: true,
    names: true,
    steps: true,
    layout: true,
    results: true,
    check: true,
    latex: true,
    lang: true
  },
  dynamicProps: false,
  dynamicItems: false
};

/**
 * One problem found by the validator (ajv's ErrorObject).
 * @typedef {object} IValidationError
 * @property {string} instancePath JSON pointer of the offending value, '' for the document.
 * @property {string} schemaPath
 * @property {string} keyword
 * @property {Record<string, any>} params
 * @property {string} [message]
 */
/**
 * Validates a parsed document against the renderer's reading of the schema; `errors` holds
 * the problems of the last call, or null when it passed.
 * @typedef {{(data: unknown): boolean, errors?: IValidationError[] | null}} IValidator
 */

/** @type {IValidator} */
export const validate = validate20;
export default validate;
