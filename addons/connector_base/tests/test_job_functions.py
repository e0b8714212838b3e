# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..models.connector_backend_ref_mixin import concrete_models

MIXINS = ("connector.backend.mixin", "connector.binding.mixin")


@tagged("post_install", "-at_install")
class TestJobFunctions(TransactionCase):
    """Every job method of every concrete backend/binding (of every installed
    integration) has its own queue.job.function: a channel under
    root.connector.<service>, a retry pattern and a related action."""

    def _concrete(self):
        names = []
        for mixin in MIXINS:
            names += concrete_models(self.env, mixin)
        return names

    def test_every_job_method_is_configured(self):
        models = self._concrete()
        self.assertTrue(models, "at least connector_test provides concrete models")
        missing = []
        for name in models:
            model = self.env[name]
            declared = set(model._connector_job_methods)
            undeclared = {
                attr
                for attr in dir(type(model))
                if attr.startswith("job_") and callable(getattr(type(model), attr))
            } - declared
            self.assertFalse(
                undeclared, f"{name}: declare {undeclared} in _connector_job_methods"
            )
            service = self._service(model)
            for method in declared:
                problem = self._check(name, method, service)
                if problem:
                    missing.append(f"{name}.{method}: {problem}")
        self.assertFalse(missing, "\n".join(missing))

    def _service(self, model):
        if (
            "backend_id" in model._fields
            and hasattr(model, "_connector_service")
            and (callable(model._connector_service))
        ):
            return model._connector_service()
        return model._connector_service

    def _check(self, model_name, method, service):
        function = self.env["queue.job.function"].search(
            [("model_id.model", "=", model_name), ("method", "=", method)]
        )
        if not function:
            return "no queue.job.function record"
        if not function.channel.startswith(f"root.connector.{service}"):
            return f"channel {function.channel} not under root.connector.{service}"
        if not function.retry_pattern:
            return "no retry pattern"
        if not (function.related_action or {}).get("func_name"):
            return "no related action (e.g. related_action_connector)"
        return None

    def test_job_config_is_used_at_enqueue(self):
        for name in concrete_models(self.env, "connector.backend.mixin"):
            backend = self.env[name].new({"name": "x"})
            job_config = self.env["queue.job.function"].job_config(
                f"<{name}>.job_process_event"
            )
            self.assertTrue(job_config.channel.startswith("root.connector."), name)
            self.assertTrue(backend._connector_service)
