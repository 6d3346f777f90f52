"""The six benchmark workloads: a template, a request, and a hand-written Python function that
produces the same output (the practical floor the engine is measured against).

The hand-written functions get what the template gets: the variables API Gateway gives a
mapping template (``$input``, ``$util``, ``$context``, ``$stageVariables``), built from the same
request by the same builder, and they use the same helpers (JSONPath through ``$input``, the
active twin of ``$util`` and of Java's toString). So a ratio measures what the template engine
adds over plain Python doing the same thing, not differences between helper implementations.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any, Callable

from vtl.apigw.variables import template_variables
from vtl.runtime.methods import utf16_length
from vtl.speedups import base64_decode, base64_encode, escape_javascript, to_java_string, url_decode, url_encode


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    template: str
    request: dict
    phase: str
    backend_response: dict | None
    handwritten: Callable[[dict], str]

    def variables(self) -> dict:
        return template_variables(self.request, phase=self.phase, backend_response=self.backend_response)

    def render_by_hand(self) -> str:
        return self.handwritten(self.variables())


def text(value: Any) -> str:
    """What ``$ref`` prints in API Gateway: nothing for null, else Java's toString."""
    if value is None:
        return ""
    return value if type(value) is str else to_java_string(value)


def java_length(value: str) -> int:
    """String.length(): UTF-16 code units (the same helper ``$s.length()`` calls)."""
    return utf16_length(value)


# ----- (1) a small field mapping -----------------------------------------------------------------

SMALL = """{
  "name": "$input.path('$.name')",
  "age": $input.path('$.age'),
  "email": "$util.escapeJavaScript($input.path('$.email'))",
  "sourceIp": "$context.identity.sourceIp",
  "stage": "$context.stage"
}"""


def small_by_hand(v: dict) -> str:
    body, context = v["input"], v["context"]
    email = body.path("$.email")
    return (f'{{\n  "name": "{text(body.path("$.name"))}",\n  "age": {text(body.path("$.age"))},\n'
            f'  "email": "{text(None if email is None else escape_javascript(email))}",\n'
            f'  "sourceIp": "{text(context["identity"]["sourceIp"])}",\n  "stage": "{text(context["stage"])}"\n}}')


SMALL_REQUEST = {
    "method": "POST", "path": "/people",
    "headers": {"Content-Type": "application/json", "User-Agent": "bench/1.0"},
    "body": json.dumps({"name": "Ada Lovelace", "age": 36, "email": "ada@example.com", "note": "it's \"quoted\""}),
}


# ----- (2) the console's "Method Request passthrough" template ------------------------------------

PASSTHROUGH = """##  See http://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
##  This template will pass through all parameters including path, querystring, header, stage variables, and context through to the integration endpoint via the body/payload
#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "api-key" : "$context.identity.apiKey",
    "authorizer-principal-id" : "$context.authorizer.principalId",
    "caller" : "$context.identity.caller",
    "cognito-authentication-provider" : "$context.identity.cognitoAuthenticationProvider",
    "cognito-authentication-type" : "$context.identity.cognitoAuthenticationType",
    "cognito-identity-id" : "$context.identity.cognitoIdentityId",
    "cognito-identity-pool-id" : "$context.identity.cognitoIdentityPoolId",
    "http-method" : "$context.httpMethod",
    "stage" : "$context.stage",
    "source-ip" : "$context.identity.sourceIp",
    "user" : "$context.identity.user",
    "user-agent" : "$context.identity.userAgent",
    "user-arn" : "$context.identity.userArn",
    "request-id" : "$context.requestId",
    "resource-id" : "$context.resourceId",
    "resource-path" : "$context.resourcePath"
    }
}
"""

_CONTEXT_FIELDS = (
    ("account-id", ("identity", "accountId")), ("api-id", ("apiId",)), ("api-key", ("identity", "apiKey")),
    ("authorizer-principal-id", ("authorizer", "principalId")), ("caller", ("identity", "caller")),
    ("cognito-authentication-provider", ("identity", "cognitoAuthenticationProvider")),
    ("cognito-authentication-type", ("identity", "cognitoAuthenticationType")),
    ("cognito-identity-id", ("identity", "cognitoIdentityId")),
    ("cognito-identity-pool-id", ("identity", "cognitoIdentityPoolId")), ("http-method", ("httpMethod",)),
    ("stage", ("stage",)), ("source-ip", ("identity", "sourceIp")), ("user", ("identity", "user")),
    ("user-agent", ("identity", "userAgent")), ("user-arn", ("identity", "userArn")),
    ("request-id", ("requestId",)), ("resource-id", ("resourceId",)), ("resource-path", ("resourcePath",)),
)


def _context_value(context: dict, keys: tuple[str, ...]) -> Any:
    value: Any = context
    for key in keys:
        if value is None:
            return None
        value = value.get(key)
    return value


def passthrough_by_hand(v: dict) -> str:
    # Velocity 1.7's whitespace: a #set line is gobbled whole; other directives keep the spaces
    # before them and eat the newline after them.
    body, context, stage_variables = v["input"], v["context"], v["stageVariables"]
    out = ["{\n\"body-json\" : ", text(body.json("$")), ",\n\"params\" : {\n"]
    params = body.all_params()
    types = list(params)
    for position, kind in enumerate(types):
        values = params[kind]
        out.append(f'"{kind}" : {{\n    ')
        names = list(values)
        for index, name in enumerate(names):
            value = values[name]
            out.append(f'    "{name}" : "{text(None if value is None else escape_javascript(value))}"\n        ')
            out.append(",    " if index + 1 < len(names) else "    ")
        out.append("}\n    ")
        if position + 1 < len(types):
            out.append(",")
    out.append("},\n\"stage-variables\" : {\n")
    keys = list(stage_variables)
    for index, key in enumerate(keys):
        value = stage_variables[key]
        out.append(f'"{key}" : "{text(None if value is None else escape_javascript(value))}"\n    ')
        if index + 1 < len(keys):
            out.append(",")
    out.append("},\n\"context\" : {\n")
    out.append(",\n".join(f'    "{label}" : "{text(_context_value(context, keys))}"' for label, keys in _CONTEXT_FIELDS))
    out.append("\n    }\n}\n")
    return "".join(out)


PASSTHROUGH_REQUEST = {
    "method": "POST", "path": "/pets/42",
    "headers": {"Accept": "application/json", "Content-Type": "application/json", "Host": "api.example.com",
                "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)", "X-Amzn-Trace-Id": "Root=1-5e1b4151-5ac6c58f",
                "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https",
                "X-Request-Note": "it's a \"test\""},
    "query": {"limit": "25", "sort": "name", "filter": "type:dog", "page": "3"},
    "path_params": {"petId": "42"},
    "stage_variables": {"env": "prod", "table": "pets-prod", "region": "eu-west-1"},
    "body": json.dumps({"name": "Rex", "type": "dog", "age": 4, "tags": ["good", "boy"], "owner": {"id": 7, "name": "Sam"}}),
}


# ----- (3) a DynamoDB PutItem body --------------------------------------------------------------

DYNAMODB = """#set($order = $input.path('$'))
{
  "TableName": "orders-$stageVariables.env",
  "Item": {
    "id": {"S": "$context.requestId"},
    "customer": {"S": "$util.escapeJavaScript($order.customer.name)"},
    "email": {"S": "$order.customer.email"},
    "total": {"N": "$order.total"},
    "createdAt": {"N": "$context.requestTimeEpoch"},
    "tags": {"SS": $input.json('$.tags')},
    "lines": {"L": [
#foreach($line in $order.lines)
      {"M": {"sku": {"S": "$line.sku"}, "qty": {"N": "$line.qty"}, "price": {"N": "$line.price"}}}#if($foreach.hasNext),#end

#end
    ]}#if($input.params('coupon') != ""),
    "coupon": {"S": "$input.params('coupon')"}#end

  }
}
"""


def dynamodb_by_hand(v: dict) -> str:
    body, context, stage_variables = v["input"], v["context"], v["stageVariables"]
    order = body.path("$")
    customer = order.get("customer") if isinstance(order, dict) else None
    name = customer.get("name") if customer is not None else None
    out = [f'{{\n  "TableName": "orders-{text(stage_variables.get("env"))}",\n  "Item": {{\n'
           f'    "id": {{"S": "{text(context["requestId"])}"}},\n'
           f'    "customer": {{"S": "{text(None if name is None else escape_javascript(name))}"}},\n'
           f'    "email": {{"S": "{text(customer.get("email") if customer is not None else None)}"}},\n'
           f'    "total": {{"N": "{text(order.get("total"))}"}},\n'
           f'    "createdAt": {{"N": "{text(context["requestTimeEpoch"])}"}},\n'
           f'    "tags": {{"SS": {text(body.json("$.tags"))}}},\n'
           f'    "lines": {{"L": [\n']
    lines = order.get("lines") or []
    for index, line in enumerate(lines):
        out.append(f'      {{"M": {{"sku": {{"S": "{text(line.get("sku"))}"}}, "qty": {{"N": "{text(line.get("qty"))}"}}, '
                   f'"price": {{"N": "{text(line.get("price"))}"}}}}}}')
        if index + 1 < len(lines):
            out.append(",")
        out.append("\n")
    out.append("    ]}")
    coupon = body.param("coupon")
    if coupon is not None and coupon != "":
        out.append(f',\n    "coupon": {{"S": "{text(coupon)}"}}')
    out.append("\n  }\n}\n")
    return "".join(out)


DYNAMODB_REQUEST = {
    "method": "POST", "path": "/orders",
    "headers": {"Content-Type": "application/json", "User-Agent": "curl/8.5"},
    "query": {"coupon": "SPRING"},
    "stage_variables": {"env": "prod"},
    "body": json.dumps({
        "customer": {"name": "Rex's \"best\" friend", "email": "rex@example.com"},
        "total": 123.45, "tags": ["dog", "treat", "express"],
        "lines": [{"sku": f"SKU-{i:04d}", "qty": i % 3 + 1, "price": round(9.99 + i, 2)} for i in range(8)],
    }),
}


# ----- (4) a #foreach over 1,000 items with conditions -----------------------------------------

LOOP = """#set($items = $input.path('$.items'))
{"results": [
#foreach($item in $items)
#if($item.active && $item.score > 50)
{"id": $item.id, "name": "$item.name", "tier": "gold"}#elseif($item.active)
{"id": $item.id, "name": "$item.name", "tier": "silver"}#else
{"id": $item.id, "tier": "none"}#end#if($foreach.hasNext),#end
#end
]}
"""


def loop_by_hand(v: dict) -> str:
    items = v["input"].path("$.items")
    out = ['{"results": [\n']
    last = len(items) - 1
    for index, item in enumerate(items):
        active, score = item.get("active"), item.get("score")
        if active is not None and active is not False and type(score) in (int, float) and score > 50:
            out.append(f'{{"id": {text(item.get("id"))}, "name": "{text(item.get("name"))}", "tier": "gold"}}')
        elif active is not None and active is not False:
            out.append(f'{{"id": {text(item.get("id"))}, "name": "{text(item.get("name"))}", "tier": "silver"}}')
        else:
            out.append(f'{{"id": {text(item.get("id"))}, "tier": "none"}}')
        if index < last:
            out.append(",")
    out.append("]}\n")
    return "".join(out)


def _loop_body() -> str:
    generator = random.Random(4)
    items = [{"id": i, "name": f"item-{i}", "active": generator.random() < 0.7, "score": generator.randint(0, 100)}
             for i in range(1000)]
    return json.dumps({"items": items})


LOOP_REQUEST = {"method": "POST", "path": "/items", "headers": {"Content-Type": "application/json"},
                "body": _loop_body()}


# ----- (5) a response template reshaping a 200 KB body -----------------------------------------

RESHAPE = """#set($results = $input.path('$.results'))
{
  "count": $results.size(),
  "page": $input.path('$.meta.page'),
  "first": $input.json('$.results[0]'),
  "people": [
#foreach($person in $results)
    {"id": $person.id, "name": "$person.name", "city": "$person.address.city", "tags": $person.tags}#if($foreach.hasNext),#end

#end
  ],
  "meta": $input.json('$.meta'),
  "all": $input.json('$.results')
}
"""


def reshape_by_hand(v: dict) -> str:
    body = v["input"]
    results = body.path("$.results")
    out = [f'{{\n  "count": {len(results)},\n  "page": {text(body.path("$.meta.page"))},\n'
           f'  "first": {text(body.json("$.results[0]"))},\n  "people": [\n']
    last = len(results) - 1
    for index, person in enumerate(results):
        address = person.get("address")
        out.append(f'    {{"id": {text(person.get("id"))}, "name": "{text(person.get("name"))}", '
                   f'"city": "{text(address.get("city") if address is not None else None)}", '
                   f'"tags": {text(person.get("tags"))}}}')
        out.append(",\n" if index < last else "\n")
    out.append(f'  ],\n  "meta": {text(body.json("$.meta"))},\n  "all": {text(body.json("$.results"))}\n}}\n')
    return "".join(out)


def _reshape_body() -> str:
    generator = random.Random(5)
    cities = ["Springfield", "Shelbyville", "Ogdenville", "North Haverbrook", "Zürich", "São Paulo"]
    results = [{"id": i, "name": f"Person {i}", "email": f"person{i}@example.com", "score": round(generator.random() * 100, 3),
                "active": i % 3 != 0, "tags": ["a", "b/c", f"t{i % 7}"],
                "address": {"street": f"{i} Main St", "city": cities[i % len(cities)], "zip": f"{10000 + i}"}}
               for i in range(1000)]
    return json.dumps({"results": results, "meta": {"page": 1, "pages": 9, "next": "/people?page=2"}})


RESHAPE_REQUEST = {"method": "GET", "path": "/people", "headers": {"Accept": "application/json"}}
RESHAPE_BACKEND = {"status": 200, "headers": {"Content-Type": "application/json"}, "body": _reshape_body()}


# ----- (6) string-heavy $util calls over 50 KB ----------------------------------------------------

STRINGS = """#set($body = $input.body)
#set($encoded = $util.urlEncode($body))
#set($packed = $util.base64Encode($body))
{
  "escaped": "$util.escapeJavaScript($body)",
  "encoded": "$encoded",
  "base64": "$packed",
  "urlRoundTrip": $util.urlDecode($encoded).length(),
  "base64RoundTrip": $util.base64Decode($packed).length()
}
"""


def strings_by_hand(v: dict) -> str:
    body = v["input"].getBody()
    encoded, packed = url_encode(body), base64_encode(body)
    return (f'{{\n  "escaped": "{escape_javascript(body)}",\n  "encoded": "{encoded}",\n  "base64": "{packed}",\n'
            f'  "urlRoundTrip": {java_length(url_decode(encoded))},\n'
            f'  "base64RoundTrip": {java_length(base64_decode(packed))}\n}}\n')


def _strings_body() -> str:
    generator = random.Random(6)
    words = ["alpha", "beta", "it's", "\"quoted\"", "a/b", "C:\\path", "naïve", "café", "€100", "日本語", "😀",
             "tab\there", "line\nbreak", "x=1&y=2", "50%", "plain", "text", "with", "some", "words"]
    parts, size = [], 0
    while size < 50_000:
        word = generator.choice(words)
        parts.append(word)
        size += len(word.encode("utf-8")) + 1
    return " ".join(parts)


STRINGS_REQUEST = {"method": "POST", "path": "/echo", "headers": {"Content-Type": "text/plain"}, "body": _strings_body()}


WORKLOADS = {
    workload.name: workload for workload in (
        Workload("small", "small field mapping", SMALL, SMALL_REQUEST, "request", None, small_by_hand),
        Workload("passthrough", "method request passthrough", PASSTHROUGH, PASSTHROUGH_REQUEST, "request", None,
                 passthrough_by_hand),
        Workload("dynamodb", "DynamoDB PutItem body", DYNAMODB, DYNAMODB_REQUEST, "request", None, dynamodb_by_hand),
        Workload("loop", "#foreach over 1,000 items", LOOP, LOOP_REQUEST, "request", None, loop_by_hand),
        Workload("reshape", "reshape a 200 KB response", RESHAPE, RESHAPE_REQUEST, "integration_response",
                 RESHAPE_BACKEND, reshape_by_hand),
        Workload("strings", "$util over a 50 KB body", STRINGS, STRINGS_REQUEST, "request", None, strings_by_hand),
    )
}
