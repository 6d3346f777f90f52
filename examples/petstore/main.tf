# The petstore API (the same API as openapi.yaml and cloudformation.yaml).

variable "region" {
  default = "us-east-1"
}

variable "greeting" {
  default = "hello"
}

resource "aws_api_gateway_rest_api" "petstore" {
  name               = "petstore"
  binary_media_types = ["image/png"]
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  parent_id   = aws_api_gateway_rest_api.petstore.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_resource" "pet" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  parent_id   = aws_api_gateway_resource.pets.id
  path_part   = "{petId}"
}

resource "aws_lambda_function" "create_pet" {
  function_name = "petstore-create"
  handler       = "handlers.create_pet"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/petstore"
  filename      = "handlers.zip"
}

# GET /pets: a mock answering the list of pets.

resource "aws_api_gateway_method" "list_pets" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method_response" "list_pets_200" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.list_pets.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = false
  }
}

resource "aws_api_gateway_integration" "list_pets" {
  rest_api_id          = aws_api_gateway_rest_api.petstore.id
  resource_id          = aws_api_gateway_resource.pets.id
  http_method          = aws_api_gateway_method.list_pets.http_method
  type                 = "MOCK"
  passthrough_behavior = "WHEN_NO_MATCH"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_integration_response" "list_pets_200" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.list_pets.http_method
  status_code = aws_api_gateway_method_response.list_pets_200.status_code
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'*'"
  }
  response_templates = {
    "application/json" = <<EOF
[{"id": 1, "type": "dog", "stage": "$stageVariables.greeting"}, {"id": 2, "type": "cat", "stage": "$stageVariables.greeting"}]
EOF
  }
}

# POST /pets: a Lambda proxy integration.

resource "aws_api_gateway_method" "create_pet" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_method_response" "create_pet_201" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.create_pet.http_method
  status_code = "201"
}

resource "aws_api_gateway_integration" "create_pet" {
  rest_api_id             = aws_api_gateway_rest_api.petstore.id
  resource_id             = aws_api_gateway_resource.pets.id
  http_method             = aws_api_gateway_method.create_pet.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.create_pet.invoke_arn
}

# GET /pets/{petId}: a mock answering one pet, or 404 for pet 42.

resource "aws_api_gateway_method" "get_pet" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  resource_id   = aws_api_gateway_resource.pet.id
  http_method   = "GET"
  authorization = "NONE"
  request_parameters = {
    "method.request.path.petId" = true
  }
}

resource "aws_api_gateway_method_response" "get_pet_200" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pet.id
  http_method = aws_api_gateway_method.get_pet.http_method
  status_code = "200"
}

resource "aws_api_gateway_method_response" "get_pet_404" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pet.id
  http_method = aws_api_gateway_method.get_pet.http_method
  status_code = "404"
}

resource "aws_api_gateway_integration" "get_pet" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pet.id
  http_method = aws_api_gateway_method.get_pet.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = <<EOF
#if($input.params('petId') == "42")
{"statusCode": 404}
#else
{"statusCode": 200}
#end
EOF
  }
  passthrough_behavior = "WHEN_NO_MATCH"
}

resource "aws_api_gateway_integration_response" "get_pet_404" {
  rest_api_id       = aws_api_gateway_rest_api.petstore.id
  resource_id       = aws_api_gateway_resource.pet.id
  http_method       = aws_api_gateway_method.get_pet.http_method
  status_code       = aws_api_gateway_method_response.get_pet_404.status_code
  selection_pattern = "404"
  response_templates = {
    "application/json" = "{\"message\": \"no pet $input.params('petId')\"}"
  }
}

resource "aws_api_gateway_integration_response" "get_pet_200" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  resource_id = aws_api_gateway_resource.pet.id
  http_method = aws_api_gateway_method.get_pet.http_method
  status_code = aws_api_gateway_method_response.get_pet_200.status_code
  response_templates = {
    "application/json" = "{\"id\": \"$input.params('petId')\", \"type\": \"dog\"}"
  }
}

resource "aws_api_gateway_deployment" "petstore" {
  rest_api_id = aws_api_gateway_rest_api.petstore.id
  depends_on  = [aws_api_gateway_integration.list_pets, aws_api_gateway_integration.create_pet, aws_api_gateway_integration.get_pet]
}

resource "aws_api_gateway_stage" "dev" {
  rest_api_id   = aws_api_gateway_rest_api.petstore.id
  deployment_id = aws_api_gateway_deployment.petstore.id
  stage_name    = "dev"
  variables = {
    greeting = var.greeting
  }
}
