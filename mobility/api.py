from ninja import NinjaAPI

api = NinjaAPI(title="Plateforme mobilité", version="1", urls_namespace="api")
