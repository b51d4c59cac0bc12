"""Quick help of the chatbot engagement figures: the analytics page's own definitions (chart descriptions)."""

ENGAGEMENT_HELP = {
    "sessions": "Sessions: a session ends after 30 minutes without activity.",
    "sessions_with_conversation": "Sessions with conversation: the customer typed or clicked a button.",
    "bounces": "Bounces: sessions in which the customer neither typed nor clicked.",
    "bounce_rate": "Bounces / sessions.",
    "chat_starts": "Chat starts: how often the chat was started.",
    "new_customers": "New customers: customers who signed up with their e-mail address.",
    "screen_time_minutes": "Screen time (min) spent by all customers together in the experience.",
    "web_push_asked": "How often the web push opt-in was asked for.",
    "web_push_soi": "Single opt-ins for web push.",
    "web_push_doi": "Double opt-ins for web push.",
    "reminder_soi": "Single opt-ins for reminders.",
    "reminder_doi": "Double opt-ins for reminders.",
    **{
        f"shares_{n}": f"Shares of the experience via {n}."
        for n in ["facebook", "email", "native", "twitter", "whatsapp"]
    },
    "participations": "Participations (e.g. in a raffle); a customer may count several times.",
    "advent_doors_opened": "Advent calendar doors opened.",
    "pins_sent": "E-mails with a PIN sent.",
    "pins_succeeded": "PINs entered correctly.",
    "pins_failed": "PINs entered incorrectly.",
    "customers_deleted": "Customers deleted.",
    "data_entered": "Data entered by customers (e.g. a postal address), all fields.",
    "nps_ratings": "How often an NPS rating was given.",
}
