"""Local stand-ins for the petstore's Lambda functions (named in vtl-serve.json)."""
import json


def create_pet(event, context):
    """A Lambda proxy handler: the event is API Gateway's proxy event."""
    pet = json.loads(event.get("body") or "{}")
    pet.setdefault("id", 3)
    return {"statusCode": 201, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"created": pet, "stage": event["requestContext"]["stage"]})}
