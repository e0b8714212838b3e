/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onMounted, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/views/fields/formatters";

// The figures move with the queue: reload them while the dashboard is shown.
export const REFRESH_MS = 30000;

export class ConnectorDashboard extends Component {
    static template = "connector_base.ConnectorDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ cards: [], refreshedAt: null });
        onWillStart(() => this.load());
        onMounted(() => {
            this.timer = setInterval(() => this.refresh(), REFRESH_MS);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }

    async load(silent = false) {
        const orm = silent ? this.orm.silent : this.orm;
        const data = await orm.call("connector.dashboard", "get_dashboard_data", []);
        this.state.cards = data.cards;
        this.state.refreshedAt = new Date().toLocaleTimeString();
    }

    async refresh() {
        if (document.visibilityState === "hidden") {
            return;
        }
        try {
            await this.load(true);
        } catch {
            // offline or session gone: keep the last figures, retry next tick
        }
    }

    format(value) {
        return formatFloat(value || 0, { digits: [16, 2] });
    }

    backendDomain(card) {
        return [
            ["backend_model", "=", card.backend_model],
            ["backend_id", "=", card.backend_id],
        ];
    }

    openDrift(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: `Drift lines — ${card.name}`,
            res_model: "connector.reconciliation.line",
            views: [
                [false, "list"],
                [false, "form"],
                [false, "pivot"],
            ],
            domain: [...this.backendDomain(card), ["state", "=", "open"]],
        });
    }

    openExceptions(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: `Exceptions — ${card.name}`,
            res_model: "connector.exception",
            views: [
                [false, "list"],
                [false, "kanban"],
                [false, "form"],
            ],
            domain: [...this.backendDomain(card), ["state", "=", "new"]],
        });
    }

    openRuns(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: `Reconciliation — ${card.name}`,
            res_model: "connector.reconciliation.run",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: this.backendDomain(card),
        });
    }

    openBackend(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: card.backend_model,
            res_id: card.backend_id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("connector_base.dashboard", ConnectorDashboard);
