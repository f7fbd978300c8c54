"""Demo product families for builders, data teams and the business (see
:mod:`demo_vocabulary`), and the list of every family.
"""

from __future__ import annotations

from marketplace.domain.catalog import DeliveryMethod
from marketplace.services.demo_families_infra import (
    BACKUP,
    DATABASES,
    IDENTITY,
    INFRASTRUCTURE,
    NETWORKING,
    OBSERVABILITY,
    SECURITY,
)
from marketplace.services.demo_vocabulary import Family, contract, family, usage

__all__ = ["FAMILIES"]

SAAS = DeliveryMethod.SAAS
SERVER = DeliveryMethod.SERVER
CONTAINER = DeliveryMethod.CONTAINER

DEVOPS = family(
    key="devops",
    categories="DevOps; Developer Tools",
    deliveries=(SAAS, CONTAINER, SERVER),
    brand_roots="Forge Pipeline Anvil Relay Crucible Launch Kiln",
    products="""
        CI/CD Pipelines
            Ship every commit to production safely with pipelines defined as code
        Build Cache
            Cut build times in half with remote caching and test splitting
        Artifact Repository
            Store and proxy every package format your builds use, in one place
        Feature Flags
            Roll out features to a share of users and roll back without a deploy
        GitOps Controller
            Keep clusters in step with Git and see every drift as it happens
        Infrastructure as Code Platform
            Plan, review and apply infrastructure changes with policy checks
        Code Review Assistant
            Catch bugs and security issues in pull requests before a human looks
        Test Automation Grid
            Run browser and API tests in parallel across hundreds of environments
        Release Orchestrator
            Coordinate releases across teams with approvals and automatic rollbacks
        Container Registry
            Store, sign and scan container images close to your clusters
        Kubernetes Management Platform
            Manage every Kubernetes cluster from one place with policy as code
        Internal Developer Portal
            Give developers self-service environments with guardrails platform teams trust
    """,
    features="""
        Pipelines run on autoscaling runners in your account or ours.
        Every deployment is traceable to the commit, ticket and approver behind it.
        Flaky tests are detected, quarantined and reported to their owners.
        Secrets are injected at run time from your vault and never written to logs.
        Progressive delivery supports canary, blue-green and ring deployments.
        Templates let platform teams publish golden paths for new services.
        Works with the Git hosting service you already use.
    """,
    contract=(
        contract("developers", "Developers", "Users", "15 19 21 29 39"),
        contract("runners", "Parallel build runners", "Runners", "50 75 120"),
        contract("clusters", "Managed clusters", "Clusters", "150 250 400"),
    ),
    usage=(
        usage("build_minutes", "Build minutes", "1,000 minutes", "6.00 8.00 10.00"),
        usage("artifact_storage", "Artifact storage", "GB-month", "0.10 0.25"),
        usage("flag_evaluations", "Flag evaluations", "Million evaluations", "0.50 1.00"),
    ),
    seller_suffixes="Labs; Software; Developer Tools; Cloud",
)

DATA = family(
    key="data",
    categories="Data Analytics; Data Integration; Business Intelligence",
    deliveries=(SAAS, CONTAINER, SERVER),
    brand_roots="Stream River Delta Prism Fathom Current Tributary",
    products="""
        Data Pipeline Studio
            Move data from 300 sources into your warehouse without writing pipelines
        ETL Workbench
            Build, schedule and monitor transformations with SQL or a visual editor
        Streaming Platform
            Stream events between services and analytics in real time
        Data Catalog
            Give every team trusted, documented data they can find on their own
        Data Quality Monitor
            Catch broken dashboards and stale tables before the business notices
        Reverse ETL
            Sync warehouse data back into the CRM, support and marketing tools
        BI Dashboards
            Build interactive dashboards that anyone in the company can explore
        Lakehouse Query Engine
            Query your data lake with SQL at warehouse speed and lake prices
        Embedded Analytics
            Put white-labelled charts and reports inside your own product
        Customer Data Platform
            Unify customer profiles from every touchpoint and activate them anywhere
    """,
    features="""
        Prebuilt connectors handle schema drift, retries and incremental syncs.
        Column-level lineage shows where every number on a dashboard comes from.
        Freshness, volume and schema checks run on every load.
        Transformations are versioned SQL with tests and code review.
        Row-level security follows the permissions of your identity provider.
        Exactly-once delivery keeps downstream counts right after a failure.
        Open table formats keep your data portable between engines.
    """,
    contract=(
        contract("connectors", "Connectors", "Connectors", "100 150 250"),
        contract("analysts", "Analysts", "Users", "25 35 70"),
        contract("creators", "Dashboard creators", "Users", "42 70 90"),
    ),
    usage=(
        usage("rows_synced", "Rows synced", "Million rows", "1.00 2.50 5.00"),
        usage("compute_hours", "Compute", "Hours", "0.50 0.90 1.40"),
        usage("data_scanned", "Data scanned", "TB", "5.00 6.25"),
    ),
    seller_suffixes="Data; Analytics; Software",
)

MACHINE_LEARNING = family(
    key="machine_learning",
    categories="Machine Learning; Generative AI; Data Analytics",
    deliveries=(DeliveryMethod.ML_MODEL, SAAS, CONTAINER),
    brand_roots="Neuron Cortex Synapse Vector Tensor Percept",
    products="""
        MLOps Platform
            Take models from notebook to production with pipelines, registry and approvals
        Feature Store
            Serve the same features to training and real-time inference
        Model Monitoring
            Monitor models in production for drift, bias and data quality
        Data Labeling Service
            Label images, text and audio with expert annotators and quality checks
        LLM Gateway
            Route prompts across language models with cost and latency guardrails
        Experiment Tracking
            Track, compare and reproduce every experiment your team runs
        Prompt Management
            Version, test and roll out prompts like code
    """,
    models="""
        Sentiment Analysis Model
            Score the sentiment of reviews, tickets and social posts in 40 languages
        Invoice Entity Extraction
            Extract vendors, totals, dates and line items from invoices and receipts
        Document OCR Model
            Turn scanned documents and photos into searchable, structured text
        Product Image Classifier
            Sort product photos into your own catalog taxonomy
        Demand Forecasting Model
            Forecast demand per product and store from sales history and promotions
        Fraud Detection Model
            Score payments and sign-ups for fraud risk in under 50 milliseconds
        Speech-to-Text Model
            Transcribe calls and meetings with speaker labels and timestamps
        Customer Churn Predictor
            Predict which customers are likely to leave, and why
        Named Entity Recognition
            Find people, organizations, places and amounts in free text
        Text Embedding Model
            Turn text into vectors for semantic search and retrieval
        Anomaly Detection Model
            Flag unusual readings in sensor and transaction streams
        Machine Translation Model
            Translate documents and chats between 50 languages
        Content Moderation Model
            Flag unsafe images and text before they are published
    """,
    features="""
        Runs in your account: your data never leaves your network.
        Benchmarked on public datasets, with the results published in the documentation.
        Batch transform jobs process millions of records at a lower price per item.
        Fine-tuning on your own labeled data takes a single job.
        A model card describes the training data, intended use and known limitations.
        GPU and CPU instance types are both supported for inference.
        Drift alerts fire when production inputs stop looking like the training data.
    """,
    contract=(
        contract("endpoints", "Model endpoints", "Endpoints", "300 500 800"),
        contract("data_scientists", "Data scientists", "Users", "60 99 150"),
    ),
    usage=(
        usage("inference_hours", "Real-time inference", "Hours", "0.40 0.90 1.60 2.40"),
        usage("batch_hours", "Batch transform", "Hours", "0.30 0.70 1.20"),
        usage("requests", "Inference requests", "1,000 requests", "0.50 1.20 2.00"),
        usage("tokens", "Tokens processed", "Million tokens", "0.50 2.00 8.00"),
    ),
    seller_suffixes="AI; Labs; Intelligence; Analytics",
)

COST = family(
    key="cost",
    categories="Cost Management; Business Applications",
    deliveries=(SAAS, CONTAINER),
    brand_roots="Tally Thrift Frugal Abacus Meter",
    products="""
        Cloud Cost Optimizer
            Find idle and oversized resources and turn the savings into pull requests
        FinOps Dashboard
            See what every team, product and customer costs you in the cloud
        Rightsizing Advisor
            Match every instance and database to the size its workload really needs
        Kubernetes Cost Allocation
            Split shared Kubernetes costs fairly by namespace, label and team
        Budget Guardrails
            Keep spend within budget with forecasts and alerts that reach the owners
        Commitment Manager
            Buy and exchange savings commitments automatically within your limits
        Unit Economics Analytics
            Track the cloud cost of each customer, transaction and feature
    """,
    features="""
        Cost data from every account is normalized and refreshed every few hours.
        Savings recommendations show their expected monthly impact and risk.
        Showback and chargeback reports follow your own allocation rules.
        Anomaly alerts catch runaway spend within hours, not at month end.
        Read-only access is enough: nothing changes without your approval.
    """,
    contract=(
        contract("spend", "Cloud spend under management", "$10,000 of spend", "30 45 60"),
        contract("accounts", "Cloud accounts", "Accounts", "50 80 120"),
    ),
    usage=(
        usage("spend_analyzed", "Cloud spend analyzed", "$1,000 of spend", "2.50 4.00"),
        usage("cluster_hours", "Kubernetes clusters", "Cluster-hours", "0.05 0.10"),
    ),
    seller_suffixes="FinOps; Cloud; Software",
)

BUSINESS = family(
    key="business",
    categories="Business Applications; Collaboration",
    deliveries=(SAAS,),
    brand_roots="Clarity Harmony Summit Compass Keystone Northstar",
    products="""
        Contract Lifecycle Management
            Draft, negotiate, sign and renew contracts in one place
        Help Desk
            Answer customers faster with a shared inbox, macros and a knowledge base
        E-Signature
            Send documents for legally binding signature from any device
        Expense Management
            Close the books sooner with expenses captured from a photo
        Project Portfolio Management
            Plan projects, capacity and budgets across the whole portfolio
        Knowledge Base
            Publish answers your customers and employees can find on their own
        Employee Onboarding
            Give new hires accounts, equipment and training from their first day
        Procurement Analytics
            See spend by supplier, category and contract to negotiate better terms
        Team Chat
            Bring conversations, files and decisions together in searchable channels
    """,
    features="""
        Approval workflows follow your org chart and spending limits.
        Integrates with the ERP and HR systems you already run.
        Mobile apps for iOS and Android are included.
        Audit trails record every change with who made it and when.
        Data residency options are available in the US, EU and APAC.
    """,
    contract=(
        contract("users", "Users", "Users", "8 12 15 25 35"),
        contract("agents", "Agents", "Agents", "19 49 79 99"),
    ),
    usage=(
        usage("documents", "Documents sent", "Documents", "1.00 1.50"),
        usage("contacts", "Contacts", "1,000 contacts", "10.00 20.00"),
    ),
    seller_suffixes="Software; Apps; Cloud",
)

# Products of this family are named "<topic> <service kind>" ("Data Lake Implementation").
PROFESSIONAL_SERVICES = family(
    key="professional_services",
    categories="Professional Services; Migration",
    deliveries=(DeliveryMethod.PROFESSIONAL_SERVICES,),
    brand_roots="",
    products="""
        Kubernetes Migration
            Move your applications to Kubernetes with a plan proven on hundreds of services
        Cloud Security
            Harden your cloud accounts against the attacks seen in the wild
        Data Lake
            Stand up a governed data lake your analysts can use from week one
        FinOps
            Cut cloud spend by a fifth without slowing your engineers down
        Observability
            Instrument your services and set the SLOs that matter to your customers
        Machine Learning
            Take one business use case from data to a model in production
        Disaster Recovery
            Design and test a recovery plan that meets your RTO and RPO
        Identity Modernization
            Move to single sign-on and least-privilege access across the company
        Database Migration
            Migrate commercial databases to open-source engines with minimal downtime
        Well-Architected
            Review your workloads against best practice and fix what matters first
        Landing Zone
            Set up a secure multi-account foundation with guardrails from day one
        Generative AI
            Build a first generative AI assistant on your own documents, safely
        Data Governance
            Define data ownership, quality rules and access policies that stick
        Mainframe Modernization
            Move mainframe workloads to the cloud one application at a time
        SOC 2 Readiness
            Get ready for your SOC 2 audit with policies, controls and evidence in place
    """,
    features="""
        The engagement starts with discovery interviews and an inventory of your estate.
        Deliverables include architecture decision records and runbooks.
        Weekly status reviews keep scope, risks and budget visible.
        Knowledge transfer sessions are recorded for the rest of your team.
        Fixed price and fixed scope: no surprises on the invoice.
        Delivered remotely or on site, in English, German, French or Spanish.
    """,
    contract=(
        contract("engagement", "Engagement", "Engagements", "4500 7500 12000 18000 25000"),
        contract("consulting_days", "Consulting days", "Days", "1200 1500 1800"),
        contract("managed_service", "Managed service", "Months", "3000 5000 8000"),
    ),
    usage=(usage("hours", "Additional consulting", "Hours", "175 210 250"),),
    seller_suffixes="Consulting; Partners; Cloud Services; Advisory",
)

FAMILIES: tuple[Family, ...] = (
    OBSERVABILITY,
    SECURITY,
    IDENTITY,
    DATABASES,
    DEVOPS,
    DATA,
    MACHINE_LEARNING,
    BACKUP,
    COST,
    NETWORKING,
    BUSINESS,
    INFRASTRUCTURE,
    PROFESSIONAL_SERVICES,
)
