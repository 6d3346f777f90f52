"""Loaders: one Api from OpenAPI, CloudFormation/SAM, AWS CLI JSON and Terraform."""
import json
from pathlib import Path

import pytest

from vtl.loaders import LoaderError, load, load_text

PETSTORE = Path(__file__).resolve().parent.parent / "examples" / "petstore"


def _shape(api):
    return sorted((path, verb, method.integration.type) for path, resource in api.resources.items()
                  for verb, method in resource.methods.items())


@pytest.mark.parametrize("name", ["openapi.yaml", "cloudformation.yaml", "main.tf"])
def test_petstore_forms_load_the_same_api(name):
    api = load(PETSTORE / name)
    assert _shape(api) == [("/pets", "GET", "MOCK"), ("/pets", "POST", "AWS_PROXY"),
                           ("/pets/{petId}", "GET", "MOCK")]
    assert api.binary_media_types == ["image/png"]
    assert api.warnings == []
    get_pet = api.resources["/pets/{petId}"].methods["GET"].integration
    assert get_pet.integration_responses["404"].selection_pattern == "404"
    assert get_pet.integration_responses["200"].is_default
    create = api.resources["/pets"].methods["POST"].integration
    assert create.uri.endswith("function:petstore-create/invocations")


def test_openapi_extensions_and_any_method():
    document = {
        "swagger": "2.0", "info": {"title": "t"},
        "x-amazon-apigateway-binary-media-types": ["application/octet-stream"],
        "paths": {"/{proxy+}": {"x-amazon-apigateway-any-method": {
            "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "ANY",
                                                "uri": "http://example.com/{proxy}",
                                                "passthroughBehavior": "when_no_match",
                                                "requestParameters": {"integration.request.path.proxy":
                                                                      "method.request.path.proxy"}}}}}}
    api = load_text(json.dumps(document), "export.json")
    method = api.resources["/{proxy+}"].methods["ANY"]
    assert method.integration.type == "HTTP_PROXY"
    assert method.integration.passthrough_behavior == "WHEN_NO_MATCH"
    assert api.binary_media_types == ["application/octet-stream"]


def test_openapi_error_names_file_and_place():
    document = {"openapi": "3.0.1", "paths": {"/a": {"get": {
        "x-amazon-apigateway-integration": {"type": "mock", "timeoutInMillis": 10}}}}}
    with pytest.raises(LoaderError) as caught:
        load_text(json.dumps(document), "api.json")
    error = caught.value
    assert error.file == "api.json"
    assert error.location == "paths./a.get.x-amazon-apigateway-integration"
    assert "timeoutInMillis" in error.message


def test_get_integration_and_put_integration_input():
    api = load_text(json.dumps({"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'},
                                "integrationResponses": {"200": {"statusCode": "200"}}}), "gi.json")
    assert api.format == "aws-cli"
    assert api.resources["/{proxy+}"].methods["ANY"].integration.type == "MOCK"
    api = load_text(json.dumps({"restApiId": "a1b2c3", "resourceId": "r1", "httpMethod": "GET", "type": "MOCK"}),
                    "put.json")
    assert api.method("a1b2c3/r1/GET")[1].integration.type == "MOCK"
    with pytest.raises(LoaderError) as caught:
        load_text(json.dumps({"restApiId": "a", "resourceId": "r", "httpMethod": "GET", "type": "MOCK",
                              "bogus": 1}), "put.json")
    assert "bogus" in str(caught.value)


def test_get_resources_output():
    document = {"items": [{"id": "r0", "path": "/"},
                          {"id": "r1", "path": "/items/{id}", "resourceMethods": {"GET": {
                              "httpMethod": "GET", "methodIntegration": {"type": "MOCK"},
                              "methodResponses": {"200": {"statusCode": "200"}}}}}]}
    api = load_text(json.dumps(document), "resources.json")
    path, method = api.method("GET /items/{id}")
    assert method.method_responses["200"].status_code == "200"


SAM = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Backend: {Type: String, Default: 'https://backend.example.com'}
  Secret: {Type: String}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Variables: {color: blue}
      DefinitionBody:
        openapi: '3.0.1'
        paths:
          /items:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations'
            post:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: POST
                uri: !Join ['', [!Ref Backend, '/items']]
                requestParameters:
                  integration.request.header.X-Key: !Sub "'${Secret}'"
                responses: {default: {statusCode: '200'}}
"""


def test_sam_definition_body_and_intrinsics():
    api = load_text(SAM, "template.yaml")
    assert api.format == "cloudformation"
    assert api.stages["prod"].variables == {"color": "blue"}
    get = api.resources["/items"].methods["GET"].integration
    assert get.uri == ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                       "arn:aws:lambda:us-east-1:123456789012:function:Fn/invocations")
    post = api.resources["/items"].methods["POST"].integration
    assert post.uri == "https://backend.example.com/items"
    assert any("Secret" in warning for warning in api.warnings)  # a parameter without default


def test_cloudformation_json_like_cdk_out():
    template = {"Resources": {
        "Api1": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "cdk"}},
        "ApiRootGET": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": "GET", "RestApiId": {"Ref": "Api1"},
            "ResourceId": {"Fn::GetAtt": ["Api1", "RootResourceId"]},
            "Integration": {"Type": "MOCK", "IntegrationResponses": [{"StatusCode": "200"}]}}}}}
    api = load_text(json.dumps(template), "cdk.out/Stack.template.json")
    assert api.resources["/"].methods["GET"].integration.integration_responses["200"].is_default


def test_cloudformation_error_place():
    template = {"Resources": {
        "Api1": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "x"}},
        "M": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": "GET", "RestApiId": {"Ref": "Api1"}, "ResourceId": {"Fn::GetAtt": ["Api1", "RootResourceId"]},
            "Integration": {"Type": "MOCKK"}}}}}
    with pytest.raises(LoaderError) as caught:
        load_text(json.dumps(template), "t.json")
    assert caught.value.location == "Resources.M.Properties.Integration"


def test_yaml_syntax_error_has_line():
    with pytest.raises(LoaderError) as caught:
        load_text("openapi: 3\npaths: [\n", "bad.yaml")
    assert caught.value.location.startswith("line ")


def test_unknown_document():
    with pytest.raises(LoaderError):
        load_text('{"hello": 1}', "x.json")


TF = '''
resource "aws_api_gateway_rest_api" "api" { name = "x" }
resource "aws_api_gateway_resource" "r" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "r"
}
resource "aws_api_gateway_method" "m" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.r.id
  http_method = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_integration" "i" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.r.id
  http_method = aws_api_gateway_method.m.http_method
  type        = "HTTP"
  uri         = "https://example.com"
  %s
}
'''


def test_terraform_required_if_rules():
    with pytest.raises(LoaderError) as caught:
        load_text(TF % "", "main.tf")
    assert caught.value.location == "aws_api_gateway_integration.i.integration_http_method"
    with pytest.raises(LoaderError) as caught:
        load_text(TF % 'integration_http_method = "GET"\nconnection_type = "VPC_LINK"', "main.tf")
    assert caught.value.location == "aws_api_gateway_integration.i.connection_id"
    api = load_text(TF % 'integration_http_method = "GET"\ntls_config {\ninsecure_skip_verification = true\n}',
                    "main.tf")
    path, method = api.method("api/r/GET")
    assert path == "/r" and method.integration.tls_config.insecure_skip_verification


def test_terraform_syntax_error_has_line():
    with pytest.raises(LoaderError) as caught:
        load_text('resource "a" "b" {\n  x = \n}\n', "broken.tf")
    assert caught.value.location.startswith("line 2")


def test_terraform_directory(tmp_path):
    (tmp_path / "main.tf").write_text((TF % 'integration_http_method = "GET"\nconnection_type = "VPC_LINK"\n'
                                            'connection_id = aws_api_gateway_vpc_link.link.id'))
    (tmp_path / "link.tf").write_text('resource "aws_api_gateway_vpc_link" "link" {\n  name = "l"\n'
                                      '  target_arns = [aws_lb.nlb.arn]\n}\n')
    api = load(tmp_path)
    assert api.resources["/r"].methods["GET"].integration.connection_id == "link"
    assert [link.id for link in api.vpc_links] == ["link"]


def test_stage_variables_api_gateway_would_refuse_are_warned_about():
    text = """
Resources:
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: x}}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: dev
      RestApiId: !Ref Api
      Variables: {ok: fine-1.2, bad-name: x, spaced: "a b", region: !Sub "${AWS::Region}", unresolved: !Sub "${Nope}"}
"""
    warnings = [w for w in load_text(text, "t.yaml").warnings if w.startswith("stage dev")]
    assert warnings == ["stage dev.bad-name: a stage variable name is at most 64 letters, digits and '_'",
                        "stage dev.spaced: a stage variable value is 1 to 512 of A-Z a-z 0-9 - . _ ~ : / ? # & = , "
                        "(API Gateway refuses 'a b')"]


def test_stage_variables_given_to_the_gateway_are_checked_too():
    from vtl.gateway.gateway import Gateway
    gateway = Gateway(load(PETSTORE / "openapi.yaml"), stage_variables={"note": "two words"})
    assert any("note: a stage variable value" in warning for warning in gateway.api.warnings)
    gateway.close()
