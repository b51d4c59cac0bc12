"""Dagster job `topup_invoice_job`: a top-up invoice from the launchpad, same checks as the CLI."""

from dagster import Config, Failure, MetadataValue, OpExecutionContext, job, op

from orchestration import settings
from orchestration.billing.topup import TopupError, create_topup_invoice


class TopupConfig(Config):
    company: int
    amount: str  # text, so 0.1 stays exactly 0.1
    currency: str
    created_by: str = "operator"


@op(description="Check the request, number the invoice, render its PDF and append it to the ledger.")
def topup_invoice(context: OpExecutionContext, config: TopupConfig) -> str:
    try:
        invoice = create_topup_invoice(
            config.company,
            config.amount,
            config.currency,
            created_by=config.created_by,
            warehouse=settings.WAREHOUSE_PATH,
            ledger=settings.BILLING_LEDGER_PATH,
            documents=settings.DOCUMENTS_PATH,
        )
    except TopupError as exc:
        raise Failure(description=f"top-up refused: {exc}", allow_retries=False) from None
    context.add_output_metadata(
        {
            "topup_invoice_id": invoice.topup_invoice_id,
            "amount": f"{invoice.amount} {invoice.currency}",
            "document": MetadataValue.path(str(settings.DOCUMENTS_PATH / invoice.document_path)),
        }
    )
    return invoice.topup_invoice_id


@job(description="A top-up invoice for a company (config: company, amount, currency, created_by).")
def topup_invoice_job():
    topup_invoice()
