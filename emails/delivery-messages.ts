import type { EmailCopy } from "./messages";

/**
 * The words of the delivery e-mails (emails/delivery.tsx), French and English, spread into
 * `messages` (messages.ts). They go to the organisation's owners, admins and technical members at
 * each step the operators record. Placeholders: {ref} (DL-…), {siteName}, {orgName}, {carrier},
 * {trackingNumber}, {parcels} (a count, written as a figure), {rackName}, {date} (the last day the
 * parcels may stay, in the reader's format).
 */
export const DELIVERY_TEMPLATES = ["delivery_received", "delivery_received_damaged", "delivery_stored", "delivery_delivered", "delivery_collected"] as const;
export type DeliveryTemplate = (typeof DELIVERY_TEMPLATES)[number];

const footerFr = "Vous recevez cet e-mail parce que vous êtes propriétaire, administrateur ou membre technique de {orgName} sur le {appName}.";
const footerEn = "You are receiving this email because you are an owner, an admin or a technical member of {orgName} on the {appName}.";

export const deliveryMessages: Record<DeliveryTemplate, { fr: EmailCopy; en: EmailCopy }> = {
  delivery_received: {
    fr: {
      subject: "Livraison reçue – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} : colis reçus : {parcels}.",
      heading: "Votre livraison est arrivée",
      body: [
        "Bonjour,",
        "La livraison {ref} ({carrier}, suivi {trackingNumber}) est arrivée au site {siteName}. Colis reçus : {parcels}, en bon état.",
        "Elle peut rester sur le site jusqu’au {date} inclus ; au-delà, elle sera signalée à nos équipes.",
      ],
      button: "Voir la livraison",
      footer: footerFr,
    },
    en: {
      subject: "Delivery received – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber}: parcels received: {parcels}.",
      heading: "Your delivery has arrived",
      body: [
        "Hello,",
        "Delivery {ref} ({carrier}, tracking {trackingNumber}) has arrived at the {siteName} site. Parcels received: {parcels}, in good condition.",
        "It may stay at the site until {date} inclusive; after that our staff will flag it.",
      ],
      button: "See the delivery",
      footer: footerEn,
    },
  },
  delivery_received_damaged: {
    fr: {
      subject: "Livraison reçue endommagée – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} : colis reçus : {parcels}, endommagés.",
      heading: "Votre livraison est arrivée endommagée",
      body: [
        "Bonjour,",
        "La livraison {ref} ({carrier}, suivi {trackingNumber}) est arrivée au site {siteName}. Colis reçus : {parcels}. Nos équipes ont constaté des dommages, décrits ci-dessous.",
        "Elle peut rester sur le site jusqu’au {date} inclus. Pensez à faire vos réserves auprès du transporteur.",
      ],
      detailLabel: "Constat",
      button: "Voir la livraison",
      footer: footerFr,
    },
    en: {
      subject: "Delivery received damaged – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber}: parcels received: {parcels}, damaged.",
      heading: "Your delivery arrived damaged",
      body: [
        "Hello,",
        "Delivery {ref} ({carrier}, tracking {trackingNumber}) has arrived at the {siteName} site. Parcels received: {parcels}. Our staff found damage, described below.",
        "It may stay at the site until {date} inclusive. Remember to file your claim with the carrier.",
      ],
      detailLabel: "Finding",
      button: "See the delivery",
      footer: footerEn,
    },
  },
  delivery_stored: {
    fr: {
      subject: "Livraison mise en stock – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} est en stock au site {siteName}.",
      heading: "Votre livraison est en stock",
      body: ["Bonjour,", "La livraison {ref} ({carrier}, suivi {trackingNumber}) est rangée dans le stock du site {siteName}.", "Elle peut y rester jusqu’au {date} inclus."],
      button: "Voir la livraison",
      footer: footerFr,
    },
    en: {
      subject: "Delivery stored – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} is stored at the {siteName} site.",
      heading: "Your delivery is stored",
      body: ["Hello,", "Delivery {ref} ({carrier}, tracking {trackingNumber}) is in the {siteName} site's store room.", "It may stay there until {date} inclusive."],
      button: "See the delivery",
      footer: footerEn,
    },
  },
  delivery_delivered: {
    fr: {
      subject: "Livraison déposée à votre baie {rackName} – {ref}",
      preview: "{carrier} {trackingNumber} est à votre baie {rackName}.",
      heading: "Votre livraison est à votre baie",
      body: ["Bonjour,", "La livraison {ref} ({carrier}, suivi {trackingNumber}) a été déposée à votre baie {rackName} au site {siteName}."],
      button: "Voir la livraison",
      footer: footerFr,
    },
    en: {
      subject: "Delivery left at your rack {rackName} – {ref}",
      preview: "{carrier} {trackingNumber} is at your rack {rackName}.",
      heading: "Your delivery is at your rack",
      body: ["Hello,", "Delivery {ref} ({carrier}, tracking {trackingNumber}) has been left at your rack {rackName} at the {siteName} site."],
      button: "See the delivery",
      footer: footerEn,
    },
  },
  delivery_collected: {
    fr: {
      subject: "Livraison retirée – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} a été remise à votre équipe.",
      heading: "Votre livraison a été retirée",
      body: ["Bonjour,", "La livraison {ref} ({carrier}, suivi {trackingNumber}) a été remise à votre équipe au comptoir du site {siteName}."],
      button: "Voir la livraison",
      footer: footerFr,
    },
    en: {
      subject: "Delivery collected – {ref} – {siteName}",
      preview: "{carrier} {trackingNumber} was handed over to your team.",
      heading: "Your delivery has been collected",
      body: ["Hello,", "Delivery {ref} ({carrier}, tracking {trackingNumber}) was handed over to your team at the {siteName} site's desk."],
      button: "See the delivery",
      footer: footerEn,
    },
  },
};
