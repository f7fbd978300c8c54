"""Demo product families that run and protect infrastructure (see :mod:`demo_vocabulary`)."""

from __future__ import annotations

from marketplace.domain.catalog import DeliveryMethod
from marketplace.services.demo_vocabulary import contract, family, usage

__all__ = [
    "BACKUP",
    "DATABASES",
    "IDENTITY",
    "INFRASTRUCTURE",
    "NETWORKING",
    "OBSERVABILITY",
    "SECURITY",
]

SAAS = DeliveryMethod.SAAS
SERVER = DeliveryMethod.SERVER
CONTAINER = DeliveryMethod.CONTAINER

OBSERVABILITY = family(
    key="observability",
    categories="Observability; DevOps; Infrastructure Software",
    deliveries=(SAAS, CONTAINER, SERVER),
    brand_roots="Trace Pulse Signal Lumen Beacon Metric Sight",
    products="""
        Observability Suite
            Correlate logs, metrics and traces to find the cause of an incident in minutes
        Log Analytics
            Search terabytes of logs in seconds with a query language your team already knows
        Application Performance Monitoring
            Catch slow endpoints and failing releases before your customers do
        Distributed Tracing
            Follow every request across services, queues and databases
        Infrastructure Monitoring
            Watch every host, container and managed service from one dashboard
        Synthetic Monitoring
            Test sign-in, checkout and APIs from 30 locations every minute
        Real User Monitoring
            Measure what real users experience on every page and device
        Incident Response
            Turn noisy alerts into a short list of incidents, each with an owner
        Uptime Monitor
            Know within a minute when a website, API or certificate fails
        Metrics Platform
            Store billions of Prometheus-compatible metrics with long retention
        On-Call Scheduler
            Page the right engineer with fair rotations and escalation policies
        Error Tracking
            Group crashes and exceptions by root cause and see who is affected
        OpenTelemetry Collector
            Collect, filter and route telemetry to any back end with one agent
    """,
    features="""
        Auto-discovery maps every service and its dependencies as soon as the agent starts.
        More than 400 integrations cover databases, queues, load balancers and Kubernetes.
        Anomaly detection learns each metric's normal range and alerts only on real change.
        Service-level objectives track error budgets and warn before they run out.
        Alerts route to on-call rotations with escalation policies and quiet hours.
        Dashboards are versioned as code and reviewed like any other change.
        Sensitive fields are masked at ingestion, before they are ever stored.
        Native OpenTelemetry support means no lock-in for your instrumentation.
    """,
    contract=(
        contract("hosts", "Infrastructure hosts", "Hosts", "15 18 23 31 40"),
        contract("apm_hosts", "APM hosts", "Hosts", "31 40 48 60"),
        contract("users", "Users", "Users", "9 12 19 25"),
    ),
    usage=(
        usage("log_gb", "Log data ingested", "GB", "0.10 0.25 0.50 1.27"),
        usage("spans", "Indexed spans", "Million spans", "1.70 2.50 3.10"),
        usage("synthetic_runs", "Synthetic test runs", "1,000 runs", "5.00 7.20 12.00"),
    ),
    seller_suffixes="Observability; Labs; Software; Systems",
)

SECURITY = family(
    key="security",
    categories="Security; Compliance; DevOps",
    deliveries=(SAAS, SERVER, CONTAINER),
    brand_roots="Shield Picket Bastion Aegis Warden Vigil Rampart",
    products="""
        Vulnerability Scanner
            Prioritize the vulnerabilities that are actually exploitable in your environment
        Cloud Security Posture Management
            Find and fix misconfigurations across every cloud account before attackers do
        Web Application Firewall
            Block injection attacks, bad bots and credential stuffing at the edge
        Container Image Scanner
            Scan every image for vulnerable packages and leaked secrets before it ships
        Secrets Detection
            Stop API keys and passwords from reaching your repositories
        Endpoint Protection
            Detect and isolate compromised laptops and servers automatically
        SIEM
            Detect threats in real time with rules mapped to MITRE ATT&CK
        Threat Detection
            Spot compromised credentials and unusual API activity across your accounts
        Next-Generation Firewall
            Inspect and control traffic between networks, applications and users
        DDoS Protection
            Keep applications online through volumetric and application-layer attacks
        Software Composition Analysis
            Know every open-source dependency you ship, its licence and its known flaws
        Data Loss Prevention
            Find sensitive data in storage and stop it from leaving the organization
        Email Security Gateway
            Block phishing, malware and impersonation before it reaches an inbox
        Compliance Automation
            Keep auditors happy with continuous evidence for SOC 2, ISO 27001 and PCI DSS
    """,
    features="""
        Agentless scanning reads snapshots, so production workloads are never slowed down.
        Findings are ranked by exploitability, exposure and the data each asset can reach.
        Fixes arrive as pull requests with the exact version bump or policy change needed.
        Prebuilt benchmarks cover CIS, NIST 800-53, HIPAA and PCI DSS.
        Every finding links to the owning team from your tags and code owners.
        Threat intelligence updates several times an hour from a global sensor network.
        Exceptions are time-boxed and need an approver, so nothing is ignored forever.
        Reports export to your SIEM, ticketing system and chat in one click.
    """,
    contract=(
        contract("workloads", "Cloud workloads", "Workloads", "8 12 20 30"),
        contract("assets", "Protected assets", "Assets", "2.50 4.00 6.00"),
        contract("developers", "Contributing developers", "Users", "25 35 52"),
        contract("repositories", "Repositories", "Repositories", "10 15 25"),
    ),
    usage=(
        usage("image_scans", "Image scans", "100 scans", "1.50 3.00 4.50"),
        usage("requests", "Web requests inspected", "Million requests", "0.60 1.00 1.50"),
        usage("events", "Security events analyzed", "GB", "0.15 0.45 0.90"),
    ),
    seller_suffixes="Security; Cyber; Defense; Labs",
)

IDENTITY = family(
    key="identity",
    categories="Identity & Access; Security",
    deliveries=(SAAS, SERVER),
    brand_roots="Key Pass Gate Trust Verity Ident",
    products="""
        Single Sign-On
            Give every employee one secure sign-in to all of their applications
        Privileged Access Manager
            Grant just-in-time administrator access that expires on its own
        Identity Governance
            Automate joiner, mover and leaver workflows from your HR system
        Multi-Factor Authentication
            Add phishing-resistant MFA to every application and VPN
        Directory Sync
            Keep users and groups in step across directories and applications
        Customer Identity Platform
            Add passwordless sign-in and social login to your customer-facing apps
        Zero Trust Access Gateway
            Replace VPNs with identity-aware access to internal applications
        Access Reviews
            Certify who can access what, every quarter, without spreadsheets
        Secrets Vault
            Store, rotate and audit database passwords, API keys and certificates
    """,
    features="""
        SAML 2.0, OpenID Connect and SCIM provisioning work with thousands of applications.
        Adaptive policies weigh device posture, location and risk before granting access.
        Privileged sessions are recorded and searchable for audits.
        Quarterly access reviews are generated and sent to managers automatically.
        Passkeys and FIDO2 security keys are supported out of the box.
        Break-glass accounts are vaulted, rotated and alarmed on every use.
    """,
    contract=(
        contract("users", "Users", "Users", "2 3 4 6 8"),
        contract("privileged_users", "Privileged users", "Users", "25 35 50"),
    ),
    usage=(
        usage("mau", "Monthly active users", "1,000 MAU", "23.00 35.00 55.00"),
        usage("authentications", "Authentications", "10,000 authentications", "3.00 5.00"),
    ),
    seller_suffixes="Identity; Security; Software",
)

DATABASES = family(
    key="databases",
    categories="Databases; Infrastructure Software; Data Analytics",
    deliveries=(SERVER, CONTAINER, SAAS),
    brand_roots="Quarry Ledger Strata Cellar Tessera Granite",
    products="""
        PostgreSQL Cluster
            Run highly available PostgreSQL without a dedicated DBA
        Time-Series Database
            Store and query billions of time-stamped events with millisecond latency
        Graph Database
            Query connected data such as fraud rings and supply chains in milliseconds
        Document Database
            Store flexible JSON documents with transactions and secondary indexes
        In-Memory Cache
            Serve hot data in under a millisecond and take load off your database
        Vector Database
            Add semantic search to your product with a vector index that scales
        Distributed SQL
            Scale SQL across regions with strong consistency and no sharding code
        Search Engine
            Add fast, typo-tolerant full-text search with facets to any application
        Database Migration Toolkit
            Move production databases between engines with minimal downtime
        Database Performance Monitor
            Find the slow queries that cost you the most and fix them with guided advice
        Change Data Capture
            Stream every insert, update and delete from your databases in real time
    """,
    features="""
        Automated failover promotes a replica in under 30 seconds.
        Point-in-time recovery restores any second of the last 35 days.
        Encryption at rest and in transit is on by default, with your own keys if you wish.
        Read replicas scale out reads across availability zones.
        Online schema changes never lock your busiest tables.
        A built-in query advisor recommends indexes from real workload statistics.
        Wire compatibility means existing drivers and ORMs work unchanged.
    """,
    contract=(
        contract("nodes", "Database nodes", "Nodes", "250 400 650 900"),
        contract("vcpus", "vCPUs", "vCPUs", "45 60 90"),
        contract("storage_tb", "Provisioned storage", "TB", "95 120 180"),
    ),
    usage=(
        usage("vcpu_hours", "Compute", "vCPU-hours", "0.08 0.12 0.18"),
        usage("storage_gb", "Storage", "GB-month", "0.10 0.20 0.25"),
        usage("io", "I/O requests", "Million requests", "0.20 0.40"),
    ),
    seller_suffixes="Data; Software; Technologies; Systems",
)

NETWORKING = family(
    key="networking",
    categories="Networking; Security; Infrastructure Software",
    deliveries=(SERVER, CONTAINER, SAAS),
    brand_roots="Mesh Route Span Bridge Hop Lattice",
    products="""
        SD-WAN Virtual Appliance
            Connect branch offices to the cloud over encrypted, self-healing links
        Load Balancer
            Balance traffic across zones with health checks and TLS offload
        VPN Gateway
            Give remote staff and partners encrypted access to private networks
        Service Mesh
            Secure service-to-service traffic with mutual TLS and zero code changes
        DNS Security
            Block malware and phishing domains before a connection is made
        Network Performance Monitor
            See latency, loss and throughput between every site and region
        API Gateway
            Publish, secure and meter your APIs from one gateway
        Packet Broker
            Copy and filter network traffic to your security and monitoring tools
    """,
    features="""
        Deploys as a highly available pair across availability zones.
        Throughput scales to 40 Gbps per instance.
        Policies are managed centrally and pushed to every site in seconds.
        Flow logs and latency metrics export to your monitoring tools.
        Rate limits and quotas protect back ends from noisy clients.
    """,
    contract=(
        contract("sites", "Branch sites", "Sites", "90 150 220"),
        contract("gateways", "Gateways", "Gateways", "200 350"),
    ),
    usage=(
        usage("data_processed", "Data processed", "GB", "0.01 0.02 0.05"),
        usage("api_calls", "API calls", "Million calls", "1.00 3.50"),
    ),
    seller_suffixes="Networks; Systems; Technologies",
)

BACKUP = family(
    key="backup",
    categories="Storage & Backup; Security",
    deliveries=(SAAS, SERVER, CONTAINER),
    brand_roots="Haven Keep Anchor Coffer Ark Bulwark",
    products="""
        Cloud Backup
            Back up every account, database and volume with policies set once
        Disaster Recovery
            Fail over a whole region in minutes and test it without downtime
        Ransomware Recovery Vault
            Recover from ransomware with immutable, isolated copies
        File Gateway
            Give on-premises applications file shares backed by cloud storage
        Object Storage Tiering
            Cut storage bills by moving cold data to cheaper tiers automatically
        Kubernetes Backup
            Back up and restore whole namespaces, volumes included
        SaaS Backup
            Protect mail, files and chats in your office suite from deletion
        Archive Manager
            Keep records for decades at archive prices, with legal hold
    """,
    features="""
        Immutable backups cannot be changed or deleted, even by an administrator.
        Recovery drills run on a schedule and prove your recovery time objective.
        Incremental-forever backups move only changed blocks.
        Granular restore brings back a single file, table or mailbox.
        Backups are encrypted with keys you control and replicated across regions.
        Compliance reports show the last good backup of every protected resource.
    """,
    contract=(
        contract("protected_tb", "Protected data", "TB", "20 35 50"),
        contract("servers", "Protected servers", "Servers", "10 15 25"),
        contract("mailboxes", "Protected mailboxes", "Users", "2 3 4"),
    ),
    usage=(
        usage("backup_storage", "Backup storage", "GB-month", "0.02 0.05 0.08"),
        usage("restores", "Restore jobs", "Restores", "1.00 2.00"),
    ),
    seller_suffixes="Storage; Data Protection; Systems",
)

INFRASTRUCTURE = family(
    key="infrastructure",
    categories="Infrastructure Software; Operating Systems",
    deliveries=(SERVER, CONTAINER),
    brand_roots="Bedrock Keel Cornerstone Plinth Sturdy",
    products="""
        Hardened Linux Base Image
            Start from an image hardened to CIS Level 1 and patched every month
        Hardened Windows Server
            Run Windows workloads on an image that passes CIS benchmarks out of the box
        Web Application Stack
            Launch a production-ready web stack in one click instead of a day of setup
        Remote Desktop Gateway
            Give remote staff secure desktop access without exposing RDP
        Mail Server
            Run your own mail with spam filtering, webmail and DKIM signing
        Secure File Transfer Server
            Exchange files with partners over SFTP with audit logs and quotas
        Application Server
            Host Java and .NET applications with clustering and zero-downtime deploys
        Message Broker
            Connect applications with durable queues and publish-subscribe topics
    """,
    features="""
        Images are rebuilt monthly with the latest security patches.
        Unneeded services are removed and the firewall is closed by default.
        Includes a setup guide and a CloudFormation template.
        Logs ship to your log platform through a preinstalled agent.
        Vendor support answers within one business day.
    """,
    contract=(contract("instances", "Instances", "Instances", "15 25 40"),),
    usage=(usage("instance_hours", "Software", "Instance-hours", "0.02 0.04 0.07"),),
    seller_suffixes="Systems; Technologies; Software",
)
